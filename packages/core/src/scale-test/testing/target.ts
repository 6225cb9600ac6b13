import { Deferred, Effect } from "effect";
import type { TargetRequest, TargetResponse } from "../data.ts";
import { TargetUnreachable } from "../errors.ts";
import type { WorldState } from "./world.ts";

const response = (over: Partial<TargetResponse> & { status: number }): TargetResponse => ({
  cache: null,
  cacheKey: null,
  instanceId: null,
  bootId: null,
  version: "test",
  bytes: 20,
  durationMs: 1,
  errorCode: null,
  ...over,
});

const keyOf = (q: Readonly<Record<string, string>>) =>
  `bars:${q.symbol}:${q.tf}:${q.start}:${q.end}`;

/** The shared cache: a HIT, the one MISS that fetches (holding the lock), or a WAIT on it. */
const serveBars = (world: WorldState, key: string) =>
  Effect.gen(function* () {
    const fetchUpstream = Effect.gen(function* () {
      world.counters.provider_fetch++;
      world.upstream.set(key, (world.upstream.get(key) ?? 0) + 1);
      yield* Effect.sleep("5 millis");
      const bytes = 1000 + key.length;
      if (!world.options.noStore) world.cache.set(key, bytes);
      return { cache: "MISS" as const, bytes, fetch: true };
    });
    const cached = world.cache.get(key);
    if (cached !== undefined) return { cache: "HIT" as const, bytes: cached, fetch: false };
    if (world.options.lock === false) return yield* fetchUpstream;
    const waiting = world.inflight.get(key);
    if (waiting) {
      const bytes = yield* Deferred.await(waiting);
      return { cache: "WAIT" as const, bytes, fetch: false };
    }
    const filled = yield* Deferred.make<number>();
    world.inflight.set(key, filled);
    const r = yield* fetchUpstream;
    world.inflight.delete(key);
    yield* Deferred.succeed(filled, r.bytes);
    return r;
  });

const bars = (world: WorldState, req: TargetRequest) =>
  Effect.gen(function* () {
    const { instances, balancer } = world;
    const instance =
      req.pin && instances.includes(req.pin)
        ? req.pin
        : (instances[
            balancer.next++ % Math.min(instances.length, balancer.limit ?? instances.length)
          ] ?? "i1");
    const key = keyOf(req.query ?? {});
    const r = yield* serveBars(world, key);
    if (r.cache === "MISS") world.counters.cache_miss++;
    else world.counters.cache_hit++;
    if (r.cache === "WAIT") world.counters.lock_waits++;
    world.barsEvents.push({
      key,
      instance,
      outcome: r.cache,
      fetch: r.fetch && !world.options.dropFetchEvents,
    });
    return response({
      status: 200,
      cache: r.cache,
      cacheKey: key,
      instanceId: instance,
      bootId: `boot-${instance}`,
      bytes: r.bytes,
    });
  });

/** Enqueue with an idempotency key: the same key gets the same job back. */
const enqueue = (world: WorldState, body: unknown) => {
  const key =
    typeof body === "object" && body !== null && "idempotencyKey" in body
      ? String(body.idempotencyKey)
      : null;
  const known = key === null ? undefined : world.idempotency.get(key);
  const id = known ?? String(world.enqueued.length + 1);
  if (known === undefined) {
    world.enqueued.push(id);
    if (key !== null) world.idempotency.set(key, id);
  }
  const instanceId = world.instances[world.enqueued.length % world.instances.length] ?? "i1";
  return { ...response({ status: 202, instanceId, bootId: "b" }), json: { id, status: "queued" } };
};

/** The switch `failRequest` in force for this request, counted per method and path. */
const injected = (world: WorldState, method: "GET" | "POST", path: string) =>
  Effect.gen(function* () {
    const slot = `${method} ${path}`;
    const n = (world.requests.get(slot) ?? 0) + 1;
    world.requests.set(slot, n);
    const fail = world.options.failRequest?.(method, path, n);
    if (fail === "unreachable") {
      return yield* new TargetUnreachable({ url: "http://fake", message: "connection reset" });
    }
    return fail === undefined ? null : response({ status: fail, errorCode: `HTTP_${fail}` });
  });

/** The in-memory target's requests (see `World`). */
export const fakeTarget = (world: WorldState) => ({
  url: "http://fake",
  runId: "run_test",
  get: (req: TargetRequest) =>
    Effect.gen(function* () {
      const failed = yield* injected(world, "GET", req.path);
      if (failed) return failed;
      if (req.path === "/ops/health") {
        // unpinned: the balancer's next instance; pinned: after a crash the instance is
        // back with a new boot id
        const n = world.requests.get("GET /ops/health") ?? 1;
        const next = world.instances[(n - 1) % world.instances.length] ?? "i1";
        return response({ status: 200, instanceId: req.pin ?? next, bootId: "b-restarted" });
      }
      return yield* bars(world, req);
    }),
  post: (req: {
    readonly path: string;
    readonly body: unknown;
    readonly pin?: string;
  }): Effect.Effect<TargetResponse & { readonly json: unknown }, TargetUnreachable> =>
    Effect.gen(function* () {
      const failed = yield* injected(world, "POST", req.path);
      return failed ? { ...failed, json: null } : enqueue(world, req.body);
    }),
});
