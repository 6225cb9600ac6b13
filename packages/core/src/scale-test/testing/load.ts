import { Clock, Effect } from "effect";
import type {
  LevelMeasure,
  LevelSpec,
  LoadMix,
  QueueProbe,
  ResourcePoint,
  WarmResult,
} from "../profiles/load/data.ts";
import { makeNewKeys } from "./loadKeys.ts";
import type { WorldState } from "./world.ts";

const MB = 1024 * 1024;

/**
 * How the in-memory cluster behaves under load: each hook gets the healthy figure and
 * returns what this test wants measured instead (slow, failing, a restart, a hot CPU...).
 */
export interface LoadModel {
  readonly level?: (healthy: LevelMeasure, spec: LevelSpec) => LevelMeasure;
  /** One instance's k-th sample; `rate` is what was offered then (0 between levels). */
  readonly resource?: (healthy: ResourcePoint, k: number, rate: number) => ResourcePoint;
  readonly probe?: (healthy: QueueProbe, rate: number) => QueueProbe;
  readonly warm?: (healthy: WarmResult) => WarmResult;
  /** How many times the level's i-th new key is fetched (default once). */
  readonly newKeyFetches?: (level: string, i: number) => number;
}

/** Every arrival answered, spread evenly over the instances, in 4-12 ms. */
export const healthyLevel = (
  spec: LevelSpec,
  instances: readonly string[],
  startedAt: number,
): LevelMeasure => {
  const n = Math.round((spec.rate * spec.durationMs) / 1000);
  const share = (i: number) =>
    Math.floor(n / instances.length) + (i < n % instances.length ? 1 : 0);
  return {
    startedAt,
    endedAt: startedAt + spec.durationMs,
    offeredRate: spec.rate,
    durationMs: spec.durationMs,
    elapsedMs: spec.durationMs,
    aborted: false,
    timeoutMs: 10_000,
    counts: {
      scheduled: n,
      dropped: 0,
      sent: n,
      answered: n,
      failed: 0,
      shed: 0,
      timedOut: 0,
      inFlight: 0,
    },
    achievedRate: spec.durationMs > 0 ? n / (spec.durationMs / 1000) : 0,
    latencyMs: { count: n, p50: 4, p90: 7, p95: 8, p99: 12, max: 20, mean: 4.5 },
    scheduleLagMs: { p50: 0.5, p95: 1, p99: 1, max: 3 },
    histogram: "",
    statuses: n > 0 ? { "200": n } : {},
    shedCodes: {},
    errors: {},
    byInstance: Object.fromEntries(
      instances.map((id, i) => [
        id,
        { bootIds: [`${id}-boot`], answered: share(i), failed: 0, shed: 0 },
      ]),
    ),
  };
};

/** A healthy instance: CPU grows with the rate (33 % at 50 req/s), flat post-GC heap, quiet loop. */
export const healthyResource = (
  instanceId: string,
  k: number,
  at: number,
  rate: number,
): ResourcePoint => ({
  instanceId,
  bootId: `${instanceId}-boot`,
  at,
  cpuPct: 3 + rate * 0.6,
  rss: 120 * MB + rate * 0.2 * MB,
  memoryLimit: 512 * MB,
  heapUsed: 30 * MB + (k % 10) * MB,
  heapLimit: 290 * MB,
  postGcHeap: 24 * MB + (k % 3) * 0.1 * MB,
  eventLoopP99Ms: 11 + rate * 0.05,
  shedding: false,
});

/**
 * The Load service over the `World`'s instances on the test clock: a level takes its
 * duration of virtual time; samples and probes see the rate offered at their time.
 */
export const testLoad = (world: WorldState, model: LoadModel) => {
  const segments: { from: number; to: number; rate: number }[] = [];
  let everyMs = 1_000;
  const rateAt = (t: number) => segments.find((s) => t >= s.from && t < s.to)?.rate ?? 0;
  const keys = makeNewKeys(world, model.newKeyFetches);
  // an instance the platform added holds a job lease while the queue has jobs (it drains them)
  const first = new Set(world.instances);
  return {
    start: (mix: LoadMix) =>
      Effect.sync(() => {
        keys.setMix(mix);
        const healthy: WarmResult = {
          asked: 4,
          answered: 4,
          instances: [...world.instances],
          problems: [],
        };
        return model.warm?.(healthy) ?? healthy;
      }),
    level: (spec: LevelSpec) =>
      Effect.gen(function* () {
        const startedAt = yield* Clock.currentTimeMillis;
        segments.push({ from: startedAt, to: startedAt + spec.durationMs, rate: spec.rate });
        // every instance in rotation at some point of the level answers its share
        const seen = new Set(world.instances);
        for (let k = 0; k < 10; k++) {
          yield* Effect.sleep(spec.durationMs / 10);
          for (const id of world.instances) seen.add(id);
        }
        const healthy = healthyLevel(spec, [...seen], startedAt);
        keys.record(spec.name, healthy.counts.sent, startedAt);
        return model.level?.(healthy, spec) ?? healthy;
      }),
    newKeys: (level: string) => Effect.sync(() => keys.sent.get(level) ?? []),
    probe: (ids: readonly string[]) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((at) =>
          ids.map((instanceId) => {
            const healthy: QueueProbe = {
              instanceId,
              bootId: `${instanceId}-boot`,
              at,
              requestsInFlight: 0,
              dbWaiting: 0,
              jobsActive: !first.has(instanceId) && world.enqueued.length > 0 ? 1 : 0,
            };
            return model.probe?.(healthy, rateAt(at)) ?? healthy;
          }),
        ),
      ),
    resources: (since: number) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) =>
          world.instances.flatMap((id) =>
            Array.from({ length: Math.floor(now / everyMs) + 1 }, (_, k) => k)
              .filter((k) => k * everyMs >= since)
              .map((k) => {
                const at = k * everyMs;
                const rate = rateAt(at - everyMs / 2);
                const healthy = healthyResource(id, k, at, rate);
                return model.resource?.(healthy, k, rate) ?? healthy;
              }),
          ),
        ),
      ),
    sampleEveryMs: (quick: boolean) => {
      everyMs = quick ? 1_000 : 10_000;
      return everyMs;
    },
  };
};
