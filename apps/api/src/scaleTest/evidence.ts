import { barsCacheKey, nsToIso } from "@scaleproof/core/bars/request";
import type { BarsRange, BarsTiming } from "@scaleproof/core/scale-test/data";
import { ProfileSetupFailed } from "@scaleproof/core/scale-test/errors";
import { pollUntil } from "@scaleproof/core/scale-test/poll";
import { Evidence } from "@scaleproof/core/scale-test/services/evidence";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import { countBarsRequestEvents } from "@scaleproof/db/queries/countBarsRequestEvents";
import { listBarsRequestTimeline } from "@scaleproof/db/queries/listBarsRequestTimeline";
import { replayControl } from "@scaleproof/replay/client";
import { Effect, Layer } from "effect";
import { barsRequest } from "../bars/input.ts";
import type { InstanceDeps } from "../deps.ts";
import { readRunCounters } from "../runs/counters.ts";
import { slowReplayFetches } from "./replayKnobs.ts";
import { ridingOut } from "./ridingOut.ts";

const EVENTS_WAIT_MS = 10_000;

/**
 * Evidence read where it lives: Redis counters and cache, Postgres events (with each
 * request's timing), the upstream's own count. With the replay upstream the runner may
 * also turn its latency knob, to make a stampede's requests overlap one fetch.
 */
export const evidenceLayer = (deps: InstanceDeps, runId: string): Layer.Layer<Evidence> => {
  const { env, redis, sql } = deps;
  // The same parsing and normalisation the bars endpoint applies, so keys and upstream
  // ranges match what the instances used.
  const query = (range: BarsRange) => {
    const parsed = barsRequest.safeParse(range);
    return parsed.success ? { ...parsed.data, dataset: env.BARS_DATASET } : undefined;
  };
  /** The range as the instances ask the upstream for it (symbol as sent, ISO instants). */
  const upstreamMatch = (range: BarsRange) => {
    const q = query(range);
    return q && { symbol: q.symbol.symbol, start: nsToIso(q.start), end: nsToIso(q.end) };
  };
  const replay = env.BARS_PROVIDER === "replay" ? replayControl(env.DATABENTO_BASE_URL) : null;
  return Layer.succeed(
    Evidence,
    Evidence.of({
      runCounters: ridingOut(() => readRunCounters(redis, runId)),
      // Instances persist events in small batches: wait (bounded) until they have landed.
      barsEvents: (cacheKey, atLeast) =>
        pollUntil(
          ridingOut(() => countBarsRequestEvents(sql, runId, cacheKey)),
          (counts) => counts.requests >= atLeast,
          "100 millis",
          `${EVENTS_WAIT_MS} millis`,
        ),
      barsTimeline: (cacheKey, atLeast) =>
        pollUntil(
          ridingOut(() => listBarsRequestTimeline(sql, runId, cacheKey)),
          (rows) => rows.length >= atLeast,
          "100 millis",
          `${EVENTS_WAIT_MS} millis`,
        ).pipe(Effect.map((rows) => rows as readonly BarsTiming[])),
      upstreamFetches: (range) =>
        Effect.promise(async () => {
          const m = upstreamMatch(range);
          if (!replay || !m) return null;
          return await replay.count(m).catch(() => null);
        }),
      upstream: replay ? "replay" : "provider",
      slowFetches: (range, latencyMs) => {
        const m = upstreamMatch(range);
        return replay && m
          ? slowReplayFetches(replay, m, latencyMs, deps.log)
          : Effect.succeed(false);
      },
      keyOf: (range) => {
        const q = query(range);
        return q ? env.CACHE_KEY_PREFIX + barsCacheKey(q) : null;
      },
      leased: (cacheKey) =>
        ridingOut(async () => (await redis.exists(REDIS_KEYS.cacheLock(cacheKey))) === 1),
      cachedBytes: (cacheKey) =>
        ridingOut(async () => {
          const n = await redis.strlen(cacheKey);
          return n === 0 ? null : n;
        }),
      forgetBars: (range) =>
        Effect.gen(function* () {
          const q = query(range);
          if (!q) {
            return yield* new ProfileSetupFailed({
              step: "setup",
              message: `not a usable range: ${range.symbol} ${range.tf} ${range.start}..${range.end}`,
            });
          }
          const key = env.CACHE_KEY_PREFIX + barsCacheKey(q);
          yield* ridingOut(() => redis.del(key, `${key}:err`));
          return key;
        }),
      availableRange: Effect.tryPromise({
        try: () => deps.bars.guard.range(),
        catch: (error) =>
          new ProfileSetupFailed({
            step: "setup",
            message: `could not ask the provider what data it has: ${error instanceof Error ? error.message : String(error)}`,
          }),
      }).pipe(Effect.map((r) => ({ start: r.start, end: r.end }))),
      expectedInstances: Effect.succeed(env.CLUSTER_INSTANCES ?? null),
    }),
  );
};
