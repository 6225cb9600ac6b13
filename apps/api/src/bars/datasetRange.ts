import { RangeUnavailable } from "@scaleproof/core/bars/errors";
import { type BarsQuery, nsToIso } from "@scaleproof/core/bars/request";
import type { BarsProvider, DatasetRange } from "../providers/types.ts";

/**
 * What data the provider has, asked once a minute per instance (not per request), so
 * a range outside it is refused before it can touch the cache or the provider.
 */
export class DatasetRangeGuard {
  #cached: { at: number; range: Promise<DatasetRange> } | undefined;
  /** The last range's bounds in ns, parsed once per look-up rather than per request. */
  #bounds: { of: DatasetRange; start: bigint; end: bigint } | undefined;

  private readonly provider: BarsProvider;
  private readonly dataset: string;
  private readonly refreshMs: number;
  constructor(provider: BarsProvider, dataset: string, refreshMs: number = 60_000) {
    this.provider = provider;
    this.dataset = dataset;
    this.refreshMs = refreshMs;
  }

  range(): Promise<DatasetRange> {
    const now = Date.now();
    if (!this.#cached || now - this.#cached.at > this.refreshMs) {
      const range = this.provider.getDatasetRange(this.dataset);
      // A failed look-up is not remembered: the next request asks again.
      range.catch(() => {
        if (this.#cached?.range === range) this.#cached = undefined;
      });
      this.#cached = { at: now, range };
    }
    return this.#cached.range;
  }

  async check(q: BarsQuery): Promise<void> {
    const available = await this.range();
    const { start, end } = this.#boundsOf(available);
    if (q.start < start || q.end > end) {
      throw new RangeUnavailable({
        message: `${q.dataset} has data from ${available.start} to ${available.end}; asked for ${nsToIso(q.start)} to ${nsToIso(q.end)}`,
        availableStart: available.start,
        availableEnd: available.end,
      });
    }
  }

  #boundsOf(available: DatasetRange): { start: bigint; end: bigint } {
    if (this.#bounds?.of !== available) {
      this.#bounds = {
        of: available,
        start: BigInt(Date.parse(available.start)) * 1_000_000n,
        end: BigInt(Date.parse(available.end)) * 1_000_000n,
      };
    }
    return this.#bounds;
  }
}
