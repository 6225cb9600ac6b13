import { aggregateBars } from "@scaleproof/core/bars/aggregate";
import { type BarsQuery, barsCacheKey } from "@scaleproof/core/bars/request";
import { TIMEFRAME_NS } from "@scaleproof/core/bars/types";
import type { Logger } from "pino";
import type { CacheResult, SharedCache } from "../cache/sharedCache.ts";
import type { Identity } from "../instance/identity.ts";
import type { BarsProvider } from "../providers/types.ts";
import type { RedisClient } from "../redis/client.ts";
import { bumpRunCounters, type RunCounter } from "../runs/counters.ts";
import type { DatasetRangeGuard } from "./datasetRange.ts";
import { encodeBars } from "./encode.ts";
import type { BarsEventSink } from "./eventSink.ts";

export interface BarsDeps {
  readonly cache: SharedCache;
  readonly provider: BarsProvider;
  readonly guard: DatasetRangeGuard;
  readonly redis: RedisClient;
  readonly events: BarsEventSink;
  readonly identity: Identity;
  readonly log: Logger;
  readonly keyPrefix: string;
  /**
   * Called by the fetcher once its provider call has returned, before the fill: the
   * `cache-holder-crash` fault kills the instance here (the holder dies mid-fetch).
   */
  readonly afterFetch?: (runId: string | undefined) => Promise<void>;
}

export interface BarsResponse extends CacheResult {
  readonly cacheKey: string;
}

/**
 * One bars request: range check, shared cache (one provider fetch per key across all
 * instances), then the evidence: one log line (debug for a HIT), and for a scale-test run
 * one persisted event and the run's Redis counters.
 */
export const getBars = async (
  deps: BarsDeps,
  q: BarsQuery,
  runId: string | undefined,
): Promise<BarsResponse> => {
  const started = performance.now();
  const startedAt = new Date();
  const cacheKey = deps.keyPrefix + barsCacheKey(q);
  try {
    await deps.guard.check(q);
    const r = await deps.cache.get(cacheKey, async (signal) => {
      // Counted before the call, as the upstream counts on receipt: if this process
      // dies mid-fetch the counter and the upstream still agree.
      if (runId) await bumpRunCounters(deps.redis, runId, ["provider_fetch"]);
      const { bars, bytesIn } = await deps.provider.getRange(
        {
          dataset: q.dataset,
          symbol: q.symbol.symbol,
          stypeIn: q.symbol.stypeIn,
          start: q.start,
          end: q.end,
        },
        signal,
      );
      await deps.afterFetch?.(runId);
      const shaped = q.tf === "1m" ? bars : aggregateBars(bars, TIMEFRAME_NS[q.tf]);
      return { bytes: encodeBars(q, shaped), bytesIn };
    });
    await record(deps, runId, cacheKey, started, startedAt, r, null);
    return { ...r, cacheKey };
  } catch (error) {
    await record(deps, runId, cacheKey, started, startedAt, undefined, error);
    throw error;
  }
};

/**
 * Counters are awaited (a run reads them right after its requests); events are batched.
 * Each event carries the instance's own timestamps and how the request was released, so
 * a run can prove its concurrent requests overlapped one fetch (DESIGN section 3).
 * The log line is at info for what costs or fails (MISS, WAIT, errors) and at debug for
 * a HIT: a line per HIT was the largest avoidable cost on the HIT path (issue 17), and
 * HITs are counted in Prometheus (`scaleproof_cache_requests_total`) and, for a run, in
 * its persisted events.
 */
const record = async (
  deps: BarsDeps,
  runId: string | undefined,
  cacheKey: string,
  started: number,
  startedAt: Date,
  r: CacheResult | undefined,
  error: unknown,
): Promise<void> => {
  const level = r?.outcome === "HIT" ? "debug" : "info";
  if (!runId && !deps.log.isLevelEnabled(level)) return;
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const fields = {
    runId: runId ?? null,
    instanceId: deps.identity.instanceId,
    cacheKey,
    cacheHit: r ? r.outcome !== "MISS" : false,
    lockAcquired: r?.lockAcquired ?? false,
    providerFetch: r?.providerFetch ?? false,
    bytesIn: r?.bytesIn ?? 0,
    bytesOut: r?.bytes.length ?? 0,
    durationMs,
  };
  const errorText =
    error instanceof Error ? `${error.name}: ${error.message}` : error ? String(error) : null;
  deps.log[level](
    {
      event: "bars_request",
      ...fields,
      outcome: r?.outcome ?? "ERROR",
      coalesced: r?.coalesced ?? false,
      takeover: r?.takeover ?? false,
      releasedBy: r?.releasedBy ?? "error",
      error: errorText,
    },
    "bars request",
  );
  if (!runId) return;
  deps.events.push({
    runId,
    instanceId: deps.identity.instanceId,
    bootId: deps.identity.bootId,
    cacheKey,
    outcome: r?.outcome ?? "ERROR",
    cacheHit: fields.cacheHit,
    lockAcquired: fields.lockAcquired,
    providerFetch: fields.providerFetch,
    coalesced: r?.coalesced ?? false,
    bytesIn: fields.bytesIn,
    bytesOut: fields.bytesOut,
    durationMs,
    error: errorText,
    at: new Date(),
    startedAt: r ? new Date(r.startedAt) : startedAt,
    finishedAt: r ? new Date(r.finishedAt) : new Date(),
    releasedBy: r?.releasedBy ?? "error",
    takeover: r?.takeover ?? false,
    fetchStartedAt: r?.fetchStartedAt == null ? null : new Date(r.fetchStartedAt),
    filledAt: r?.filledAt == null ? null : new Date(r.filledAt),
  });
  const counters: RunCounter[] =
    r === undefined
      ? []
      : r.outcome === "MISS"
        ? ["cache_miss"]
        : r.outcome === "WAIT"
          ? ["cache_hit", "lock_waits"]
          : ["cache_hit"];
  await bumpRunCounters(deps.redis, runId, counters);
};
