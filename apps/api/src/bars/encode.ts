import { type BarsQuery, nsToIso } from "@scaleproof/core/bars/request";
import type { Bar } from "@scaleproof/core/bars/types";

const px = (raw: bigint): number => Number(raw) / 1e9;

/**
 * The response body, encoded once by the fetching instance and cached as these exact
 * bytes: a HIT serves them as-is, with no decode/encode on the hot path.
 */
export const encodeBars = (q: BarsQuery, bars: readonly Bar[]): Buffer =>
  Buffer.from(
    JSON.stringify({
      dataset: q.dataset,
      symbol: q.symbol.symbol,
      tf: q.tf,
      start: nsToIso(q.start),
      end: nsToIso(q.end),
      count: bars.length,
      bars: bars.map((b) => ({
        ts: nsToIso(b.tsEvent),
        open: px(b.open),
        high: px(b.high),
        low: px(b.low),
        close: px(b.close),
        volume: Number(b.volume),
      })),
    }),
  );
