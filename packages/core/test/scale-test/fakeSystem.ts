import { Deferred, Effect, Layer } from "effect";
import type { ExecutionEvent, JobRecord } from "../../src/jobs/history.ts";
import {
  type BarsRange,
  Evidence,
  Faults,
  JobEvidence,
  MemoryEvidence,
  type MemoryPoint,
  Progress,
  Scaler,
  Target,
  type TargetResponse,
} from "../../src/scale-test/services.ts";

/**
 * An in-memory model of the system under test, for unit-testing profiles: N instances
 * behind a round-robin balancer, one shared cache with (or without) the stampede lock,
 * and the three evidence sources. Switches break one property at a time.
 */
export interface FakeOptions {
  readonly instances?: number;
  /** Stampede protection: without it every concurrent miss fetches. */
  readonly lock?: boolean;
  /** Persisted events silently lose provider fetches (a broken evidence path). */
  readonly dropFetchEvents?: boolean;
  /** The cache answers but never stores (every request is a MISS). */
  readonly noStore?: boolean;
  /** The upstream cannot report its own count (real Databento). */
  readonly upstreamBlind?: boolean;
  /** The job history the queue recorded for the enqueued job ids (default: each ran once, cleanly). */
  readonly jobHistory?: (ids: readonly string[]) => { jobs: JobRecord[]; events: ExecutionEvent[] };
  /** Fault injection allowed (default true). */
  readonly faultsEnabled?: boolean;
  /** What the instances' samplers recorded (default: two healthy instances). */
  readonly memorySamples?: () => MemoryPoint[];
  /** The runner may narrow the balancer to fewer instances (the local cluster can). */
  readonly scalable?: boolean;
}

const MB = 1024 * 1024;

/** Two instances, 60 one-second samples each: a young-generation saw-tooth over a flat old generation. */
export const healthySamples = (tweak: (p: MemoryPoint, k: number) => MemoryPoint = (p) => p) =>
  ["i1", "i2"].flatMap((instanceId) =>
    Array.from({ length: 60 }, (_, k) =>
      tweak(
        {
          instanceId,
          bootId: `${instanceId}-boot`,
          at: 1_000_000 + k * 1000,
          heapUsed: 30 * MB + (k % 10) * MB,
          oldGenUsed: 20 * MB + (k % 3) * 0.1 * MB,
          heapLimit: 290 * MB,
          rss: 120 * MB,
          gcCount: k % 10 === 0 ? 1 : 0,
          pressure: (30 + (k % 10)) / 290,
          shedding: false,
          eventLoopP99Ms: 12,
        },
        k,
      ),
    ),
  );

/** Each job started and finished once, alternating over two instances. */
export const cleanHistory = (ids: readonly string[]) => ({
  jobs: ids.map((id) => ({ id, status: "completed" as const, attemptCount: 1 })),
  events: ids.flatMap((id, i) => [
    {
      jobId: id,
      attempt: 1,
      kind: "start" as const,
      at: i * 10,
      instanceId: `i${(i % 2) + 1}`,
      bootId: `b${(i % 2) + 1}`,
    },
    {
      jobId: id,
      attempt: 1,
      kind: "finish" as const,
      at: i * 10 + 5,
      instanceId: `i${(i % 2) + 1}`,
      bootId: `b${(i % 2) + 1}`,
    },
  ]),
});

export const fakeSystem = (options: FakeOptions = {}) => {
  const instances = Array.from({ length: options.instances ?? 2 }, (_, i) => `i${i + 1}`);
  const cache = new Map<string, number>();
  const inflight = new Map<string, Deferred.Deferred<number>>();
  const counters = { cache_hit: 0, cache_miss: 0, provider_fetch: 0, lock_waits: 0 };
  const events: { key: string; instance: string; outcome: string; fetch: boolean }[] = [];
  const upstream = new Map<string, number>();
  const steps: string[] = [];
  const enqueued: string[] = [];
  const limits: (number | null)[] = [];
  let limit: number | null = null;
  const armed: string[] = [];
  let next = 0;
  const keyOf = (q: Readonly<Record<string, string>>) =>
    `bars:${q.symbol}:${q.tf}:${q.start}:${q.end}`;
  const rangeKey = (r: BarsRange) => keyOf({ ...r });

  const fetchUpstream = (key: string) =>
    Effect.gen(function* () {
      counters.provider_fetch++;
      upstream.set(key, (upstream.get(key) ?? 0) + 1);
      yield* Effect.sleep("5 millis");
      return 1000 + key.length;
    });

  const serve = (key: string, instance: string) =>
    Effect.gen(function* () {
      const cached = cache.get(key);
      if (cached !== undefined) return { cache: "HIT" as const, bytes: cached, fetch: false };
      if (options.lock !== false) {
        const waiting = inflight.get(key);
        if (waiting) {
          const bytes = yield* Deferred.await(waiting);
          return { cache: "WAIT" as const, bytes, fetch: false };
        }
        const d = yield* Deferred.make<number>();
        inflight.set(key, d);
        const bytes = yield* fetchUpstream(key);
        if (!options.noStore) cache.set(key, bytes);
        inflight.delete(key);
        yield* Deferred.succeed(d, bytes);
        return { cache: "MISS" as const, bytes, fetch: true };
      }
      const bytes = yield* fetchUpstream(key);
      if (!options.noStore) cache.set(key, bytes);
      void instance;
      return { cache: "MISS" as const, bytes, fetch: true };
    });

  const target = Target.of({
    url: "http://fake",
    runId: "run_test",
    post: () =>
      Effect.sync(() => {
        const id = String(enqueued.length + 1);
        enqueued.push(id);
        return {
          status: 202,
          cache: null,
          cacheKey: null,
          instanceId: instances[enqueued.length % instances.length] as string,
          bootId: "b",
          version: "test",
          bytes: 20,
          durationMs: 1,
          errorCode: null,
          json: { id, status: "queued" },
        };
      }),
    get: (req) =>
      Effect.gen(function* () {
        if (req.path === "/ops/health") {
          // after a crash the instance is back with a new boot id
          return {
            status: 200,
            cache: null,
            cacheKey: null,
            instanceId: req.pin ?? "i1",
            bootId: "b-restarted",
            version: "test",
            bytes: 100,
            durationMs: 1,
            errorCode: null,
          } satisfies TargetResponse;
        }
        const instance =
          req.pin && instances.includes(req.pin)
            ? req.pin
            : (instances[next++ % Math.min(instances.length, limit ?? instances.length)] as string);
        const key = keyOf(req.query ?? {});
        const r = yield* serve(key, instance);
        if (r.cache === "MISS") counters.cache_miss++;
        else counters.cache_hit++;
        if (r.cache === "WAIT") counters.lock_waits++;
        events.push({
          key,
          instance,
          outcome: r.cache,
          fetch: r.fetch && !options.dropFetchEvents,
        });
        return {
          status: 200,
          cache: r.cache,
          cacheKey: key,
          instanceId: instance,
          bootId: `boot-${instance}`,
          version: "test",
          bytes: r.bytes,
          durationMs: 1,
          errorCode: null,
        } satisfies TargetResponse;
      }),
  });

  const evidence = Evidence.of({
    runCounters: Effect.sync(() => ({ ...counters })),
    barsEvents: (key) =>
      Effect.sync(() => {
        const mine = events.filter((e) => e.key === key);
        return {
          requests: mine.length,
          hits: mine.filter((e) => e.outcome === "HIT").length,
          misses: mine.filter((e) => e.outcome === "MISS").length,
          waits: mine.filter((e) => e.outcome === "WAIT").length,
          errors: 0,
          providerFetches: mine.filter((e) => e.fetch).length,
          instances: [...new Set(mine.map((e) => e.instance))],
        };
      }),
    upstreamFetches: (range) =>
      Effect.sync(() => (options.upstreamBlind ? null : (upstream.get(rangeKey(range)) ?? 0))),
    cachedBytes: (key) => Effect.sync(() => cache.get(key) ?? null),
    forgetBars: (range) =>
      Effect.sync(() => {
        cache.delete(rangeKey(range));
        return rangeKey(range);
      }),
    availableRange: Effect.succeed({
      start: "2013-10-06T22:00:00.000Z",
      end: "2013-10-11T21:15:00.000Z",
    }),
    expectedInstances: Effect.succeed(instances.length),
  });

  const progress = Progress.of({
    step: (name) => Effect.sync(() => void steps.push(name)),
    check: () => Effect.void,
    metric: () => Effect.void,
    observe: () => Effect.void,
  });

  const layer = Layer.mergeAll(
    Layer.succeed(Target, target),
    Layer.succeed(Evidence, evidence),
    Layer.succeed(Progress, progress),
    Layer.succeed(
      Faults,
      Faults.of({
        active: Effect.succeed([]),
        inject: (name) =>
          Effect.sync(() => {
            if (options.faultsEnabled === false) return false;
            armed.push(name);
            return true;
          }),
        clear: (name) => Effect.sync(() => void armed.splice(armed.indexOf(name), 1)),
      }),
    ),
    Layer.succeed(
      Scaler,
      Scaler.of({
        available: options.scalable === true,
        limit: (n) =>
          Effect.sync(() => {
            limit = n;
            limits.push(n);
          }),
      }),
    ),
    Layer.succeed(
      MemoryEvidence,
      MemoryEvidence.of({
        samples: Effect.sync(() => (options.memorySamples ?? healthySamples)()),
        sampleEveryMs: () => 1000,
      }),
    ),
    Layer.succeed(
      JobEvidence,
      JobEvidence.of({
        history: Effect.sync(() => (options.jobHistory ?? cleanHistory)(enqueued)),
      }),
    ),
  );
  return { layer, counters, upstream, steps, enqueued, armed, limits };
};
