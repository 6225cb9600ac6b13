import { barsCacheKey, nsToIso } from "@scaleproof/core/bars/request";
import type { BarsRange } from "@scaleproof/core/scale-test/data";
import { ProfileSetupFailed } from "@scaleproof/core/scale-test/errors";
import { pollUntil } from "@scaleproof/core/scale-test/poll";
import { Evidence } from "@scaleproof/core/scale-test/services/evidence";
import { countBarsRequestEvents } from "@scaleproof/db/queries/countBarsRequestEvents";
import { Effect, Layer } from "effect";
import { barsRequest } from "../bars/input.ts";
import type { InstanceDeps } from "../deps.ts";
import { readRunCounters } from "../runs/counters.ts";

const EVENTS_WAIT_MS = 10_000;

/** Evidence read where it lives: Redis counters and cache, Postgres events, the upstream's own count. */
export const evidenceLayer = (deps: InstanceDeps, runId: string): Layer.Layer<Evidence> => {
  const { env, redis, sql } = deps;
  // The same parsing and normalisation the bars endpoint applies, so keys and upstream
  // ranges match what the instances used.
  const query = (range: BarsRange) => {
    const parsed = barsRequest.safeParse(range);
    return parsed.success ? { ...parsed.data, dataset: env.BARS_DATASET } : undefined;
  };
  return Layer.succeed(
    Evidence,
    Evidence.of({
      runCounters: Effect.promise(() => readRunCounters(redis, runId)),
      // Instances persist events in small batches: wait (bounded) until they have landed.
      barsEvents: (cacheKey, atLeast) =>
        pollUntil(
          Effect.promise(() => countBarsRequestEvents(sql, runId, cacheKey)),
          (counts) => counts.requests >= atLeast,
          "100 millis",
          `${EVENTS_WAIT_MS} millis`,
        ),
      upstreamFetches: (range) =>
        Effect.promise(async () => {
          const q = query(range);
          if (env.BARS_PROVIDER !== "replay" || !q) return null;
          const u = new URL("/_replay/stats", env.DATABENTO_BASE_URL);
          u.searchParams.set("symbol", q.symbol.symbol);
          u.searchParams.set("start", nsToIso(q.start));
          u.searchParams.set("end", nsToIso(q.end));
          const res = await fetch(u);
          if (!res.ok) return null;
          const body = (await res.json()) as { matched?: { get_range?: number } };
          return body.matched?.get_range ?? 0;
        }),
      cachedBytes: (cacheKey) =>
        Effect.promise(async () => {
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
          yield* Effect.promise(() => redis.del(key, `${key}:err`));
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
