import { Clock, Deferred, Effect, Option } from "effect";
import type { Release, TargetRequest, TargetResponse } from "../data.ts";
import { TargetUnreachable } from "../errors.ts";
import { shedsNow } from "./memory.ts";
import { enqueue, injected, response } from "./requests.ts";
import type { Lease, Served, WorldState } from "./world.ts";

const keyOf = (q: Readonly<Record<string, string>>) =>
  `bars:${q.symbol}:${q.tf}:${q.start}:${q.end}`;

/** The lease a real holder takes (CACHE_LEASE_MS); a dead holder's expires after it. */
export const LEASE_MS = 5_000;
const FETCH_MS = 5;

/**
 * One fetch, as the instance's holder makes it: counted before the call (as the real
 * instance and the upstream do), then the upstream's latency. An armed
 * `cache-holder-crash` aimed at this instance kills it here, before the fill.
 */
const fetchFor = (world: WorldState, instance: string, key: string) =>
  Effect.gen(function* () {
    const fetchStartedAt = yield* Clock.currentTimeMillis;
    world.counters.provider_fetch++;
    world.upstream.set(key, (world.upstream.get(key) ?? 0) + 1);
    yield* Effect.sleep(world.latency.get(key) ?? FETCH_MS);
    const aim = world.aims.get("cache-holder-crash");
    const armed = world.armed.indexOf("cache-holder-crash");
    const spared = world.options.runner ?? "i1";
    if (armed >= 0 && instance !== spared && (aim === null || aim === instance)) {
      world.armed.splice(armed, 1);
      return null; // SIGKILL: no fill, the lease is left to expire
    }
    const bytes = 1000 + key.length;
    if (!world.options.noStore) world.cache.set(key, bytes);
    return { bytes, fetchStartedAt, filledAt: yield* Clock.currentTimeMillis };
  });

const fetched = (
  r: { bytes: number; fetchStartedAt: number; filledAt: number },
  takeover: boolean,
): Served => ({ cache: "MISS", fetch: true, releasedBy: "fetch", takeover, ...r });

const released = (
  bytes: number,
  releasedBy: Release,
  cache: "HIT" | "WAIT" = releasedBy === "hit" ? "HIT" : "WAIT",
): Served => ({
  cache,
  bytes,
  fetch: false,
  releasedBy,
  takeover: false,
  fetchStartedAt: null,
  filledAt: null,
});

/**
 * The lease protocol: a HIT; the one request that takes the lease fetches (MISS); the
 * others wait on it, woken by its fill or, if its holder died, re-checking when the
 * lease expires, where exactly one of them takes it over.
 */
const viaLease = (world: WorldState, instance: string, key: string) =>
  Effect.gen(function* () {
    let waited = false;
    let woken: Release = "poll";
    for (;;) {
      const cached = world.cache.get(key);
      if (cached !== undefined) return released(cached, waited ? woken : "hit");
      const forgot = world.options.stampedeAfterRestart && world.restarts.includes("redis");
      if (world.options.lock === false || forgot) {
        const r = yield* fetchFor(world, instance, key);
        return r ? fetched(r, false) : ({ cache: "DIED" } as const);
      }
      const now = yield* Clock.currentTimeMillis;
      const lease = world.leases.get(key);
      if (lease === undefined || lease.expiresAt <= now) {
        const mine: Lease = { filled: yield* Deferred.make<number>(), expiresAt: now + LEASE_MS };
        world.leases.set(key, mine);
        const r = yield* fetchFor(world, instance, key);
        if (!r) return { cache: "DIED" } as const;
        if (world.leases.get(key) === mine) world.leases.delete(key);
        yield* Deferred.succeed(mine.filled, r.bytes);
        return fetched(r, waited);
      }
      waited = true;
      const woke = yield* Deferred.await(lease.filled).pipe(
        Effect.timeoutOption(Math.max(1, lease.expiresAt - now + 5)),
      );
      woken = Option.isSome(woke) ? "wake" : "poll";
    }
  });

/** Single-flight: a request already in flight for the key on this instance is shared. */
const serveBars = (world: WorldState, instance: string, key: string) =>
  Effect.gen(function* () {
    if (world.options.singleFlight === false) return yield* viaLease(world, instance, key);
    const slot = `${instance}|${key}`;
    const leader = world.flights.get(slot);
    if (leader) {
      const r = yield* Deferred.await(leader);
      if (r.cache === "DIED") return r;
      return released(r.bytes, "single-flight", r.cache === "HIT" ? "HIT" : "WAIT");
    }
    const mine = yield* Deferred.make<Served>();
    world.flights.set(slot, mine);
    const r = yield* viaLease(world, instance, key);
    world.flights.delete(slot);
    yield* Deferred.succeed(mine, r);
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
    if (shedsNow(world, instance)) {
      return response({ status: 503, errorCode: "MEMORY_PRESSURE", instanceId: instance });
    }
    const key = keyOf(req.query ?? {});
    const startedAt = yield* Clock.currentTimeMillis;
    const r = yield* serveBars(world, instance, key);
    if (r.cache === "DIED") {
      return yield* new TargetUnreachable({ url: "http://fake", message: "empty reply" });
    }
    if (r.cache === "MISS") world.counters.cache_miss++;
    else world.counters.cache_hit++;
    if (r.cache === "WAIT") world.counters.lock_waits++;
    world.barsEvents.push({
      key,
      instance,
      outcome: r.cache,
      fetch: r.fetch && !world.options.dropFetchEvents,
      releasedBy: r.releasedBy,
      takeover: r.takeover,
      startedAt,
      finishedAt: yield* Clock.currentTimeMillis,
      fetchStartedAt: r.fetchStartedAt,
      filledAt: r.filledAt,
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
        const instanceId = req.pin ?? next;
        const status = world.options.health?.(instanceId, n) ?? 200;
        return response({ status, instanceId, bootId: "b-restarted" });
      }
      const served = bars(world, req);
      return yield* world.options.serialArrivals ? world.gate.withPermits(1)(served) : served;
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
