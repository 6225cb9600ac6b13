import { Clock, Context, Effect, Layer, type Scope } from "effect";
import type { BarsRange, BarsTiming, PersistedBarsEvents, RunCounters } from "../data.ts";
import type { ProfileSetupFailed } from "../errors.ts";
import { World } from "../testing/world.ts";

/**
 * Evidence the system leaves behind, read from where it lives (Redis counters,
 * Postgres events, the upstream's own count), not from what the profile expected.
 */
export class Evidence extends Context.Service<
  Evidence,
  {
    /** This run's Redis counters (`scaleTest:{runId}:*`). */
    readonly runCounters: Effect.Effect<RunCounters>;
    /** Persisted bars events of this run for one cache key, once at least `atLeast` have landed (bounded wait). */
    readonly barsEvents: (cacheKey: string, atLeast: number) => Effect.Effect<PersistedBarsEvents>;
    /**
     * This run's persisted requests for one key, each with how it was released and its
     * instance's own timestamps, once at least `atLeast` have landed (bounded wait).
     */
    readonly barsTimeline: (
      cacheKey: string,
      atLeast: number,
    ) => Effect.Effect<readonly BarsTiming[]>;
    /** get_range requests the upstream itself counted for this range; null when it cannot tell (real Databento). */
    readonly upstreamFetches: (range: BarsRange) => Effect.Effect<number | null>;
    /**
     * What answers the instances' fetches: the replay upstream (it counts its own requests
     * and has a latency knob) or a real provider (measured as it is).
     */
    readonly upstream: "replay" | "provider";
    /**
     * Replay only: get_range requests for this range take `latencyMs` until the scope
     * closes (the knobs in force before come back), so concurrent requests overlap the
     * fetch. False against a real provider, which cannot be slowed.
     */
    readonly slowFetches: (
      range: BarsRange,
      latencyMs: number,
    ) => Effect.Effect<boolean, never, Scope.Scope>;
    /** The cache key the instances use for a range, as their events record it (null: not a usable range). */
    readonly keyOf: (range: BarsRange) => string | null;
    /** A fetch holds this key's lease right now. */
    readonly leased: (cacheKey: string) => Effect.Effect<boolean>;
    /** Bytes stored in the shared cache under this key; null when nothing is stored. */
    readonly cachedBytes: (cacheKey: string) => Effect.Effect<number | null>;
    /** Drops the cached value (and any cached error) for a range, so the next request is a real MISS. Returns the key. */
    readonly forgetBars: (range: BarsRange) => Effect.Effect<string, ProfileSetupFailed>;
    /** The span of data the provider has for the dataset. */
    readonly availableRange: Effect.Effect<{ start: string; end: string }, ProfileSetupFailed>;
    /** How many instances the target is expected to have, when known (local cluster). */
    readonly expectedInstances: Effect.Effect<number | null>;
  }
>()("@scaleproof/core/Evidence") {
  /** In memory: the `World`'s counters, persisted events and upstream count. */
  static readonly layerTest = Layer.effect(
    Evidence,
    World.useSync((world) => {
      const keyOf = (r: BarsRange) => `bars:${r.symbol}:${r.tf}:${r.start}:${r.end}`;
      return Evidence.of({
        runCounters: Effect.sync(() => ({ ...world.counters })),
        barsEvents: (key) =>
          Effect.sync(() => {
            const mine = world.barsEvents.filter((e) => e.key === key);
            const outcome = (o: string) => mine.filter((e) => e.outcome === o).length;
            return {
              requests: mine.length,
              hits: outcome("HIT"),
              misses: outcome("MISS"),
              waits: outcome("WAIT"),
              errors: 0,
              providerFetches: mine.filter((e) => e.fetch).length,
              instances: [...new Set(mine.map((e) => e.instance))],
            };
          }),
        barsTimeline: (key) =>
          Effect.sync(() =>
            world.barsEvents
              .filter((e) => e.key === key)
              .map(
                (e): BarsTiming => ({
                  instanceId: e.instance,
                  bootId: `boot-${e.instance}`,
                  outcome: e.outcome,
                  releasedBy: e.releasedBy,
                  providerFetch: e.fetch,
                  takeover: e.takeover,
                  startedAt: e.startedAt,
                  finishedAt: e.finishedAt,
                  fetchStartedAt: e.fetchStartedAt,
                  filledAt: e.filledAt,
                }),
              ),
          ),
        upstream: world.options.upstreamBlind ? "provider" : "replay",
        slowFetches: (range, latencyMs) =>
          world.options.upstreamBlind
            ? Effect.succeed(false)
            : Effect.acquireRelease(
                Effect.sync(() => {
                  world.latency.set(keyOf(range), latencyMs);
                  return true;
                }),
                () => Effect.sync(() => world.latency.delete(keyOf(range))),
              ),
        keyOf,
        leased: (key) =>
          Clock.currentTimeMillis.pipe(
            Effect.map((now) => (world.leases.get(key)?.expiresAt ?? 0) > now),
          ),
        upstreamFetches: (range) =>
          Effect.sync(() =>
            world.options.upstreamBlind ? null : (world.upstream.get(keyOf(range)) ?? 0),
          ),
        cachedBytes: (key) => Effect.sync(() => world.cache.get(key) ?? null),
        forgetBars: (range) =>
          Effect.sync(() => {
            world.cache.delete(keyOf(range));
            return keyOf(range);
          }),
        availableRange: Effect.succeed({
          start: "2013-10-06T22:00:00.000Z",
          end: "2013-10-11T21:15:00.000Z",
        }),
        expectedInstances: Effect.succeed(world.instances.length),
      });
    }),
  );
}
