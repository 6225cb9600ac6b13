import { Context, type Deferred, Layer, Semaphore } from "effect";
import type { ExecutionEvent, JobRecord } from "../../jobs/events.ts";
import type { MemoryPoint, Release } from "../data.ts";
import type { Readings } from "../metrics/schema.ts";
import type { ProgressReport } from "../progress/plan.ts";
import type { Check } from "../schema.ts";
import type { DbWorldOptions } from "./db.ts";
import { cleanHistory } from "./jobs.ts";
import { healthyPoint, type PressureBehaviour } from "./memory.ts";

/**
 * An in-memory model of the system under test, shared by the services' `layerTest`:
 * N instances behind a round-robin balancer, one shared cache with (or without) the
 * stampede protocol's two layers (per-instance single-flight, cross-instance lease), the
 * evidence sources, a job queue and memory samplers. Switches break one property at a
 * time; tests read what the profile did from it.
 */
export interface WorldOptions {
  readonly instances?: number;
  /** The cross-instance lease: without it each instance's miss fetches on its own. */
  readonly lock?: boolean;
  /** The per-instance single-flight: without it every request goes to the lease on its own. */
  readonly singleFlight?: boolean;
  /**
   * The balancer delivers bars requests one at a time, each after the last was answered:
   * a fast upstream whose fill beats the next request, so nothing overlaps the fetch.
   */
  readonly serialArrivals?: boolean;
  /** The runner's own instance, which armed faults spare (default i1). */
  readonly runner?: string;
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
  /** One instance's k-th memory sample, taken at `at` (default: healthy saw-tooth). */
  readonly memory?: (instanceId: string, k: number, at: number) => MemoryPoint;
  /** How an instance behaves under the ballast fault (default: sheds, survives, recovers). */
  readonly pressure?: PressureBehaviour;
  /** The runner may narrow the balancer to fewer instances (the local cluster can). */
  readonly scalable?: boolean;
  /** Dependencies the platform may restart (none by default). */
  readonly restartable?: readonly ("redis" | "postgres")[];
  /** How long a restart's stop takes to bring it down once asked for (default 0). */
  readonly stopMs?: number;
  /** How long a restart keeps it down (default: what the run asked for). */
  readonly downMs?: number;
  /** After a Redis restart the instances forget the lease: each miss fetches on its own. */
  readonly stampedeAfterRestart?: boolean;
  /** The database behind the instances (connection limits, pools, plans): healthy by default. */
  readonly db?: DbWorldOptions;
  /**
   * Answer the n-th request (1-based, per method and path) with this status, or not at
   * all ("unreachable"), instead of serving it; undefined serves it.
   */
  readonly failRequest?: (
    method: "GET" | "POST",
    path: string,
    n: number,
  ) => number | "unreachable" | undefined;
  /** The status an instance's n-th `/ops/health` answer carries (default 200: healthy). */
  readonly health?: (instanceId: string, n: number) => number;
}

export interface BarsEvent {
  readonly key: string;
  readonly instance: string;
  readonly outcome: "HIT" | "MISS" | "WAIT";
  readonly fetch: boolean;
  readonly releasedBy: Release;
  readonly takeover: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly fetchStartedAt: number | null;
  readonly filledAt: number | null;
}

/** A fetch's lease on a key: released by its fill, or left to expire when its holder died. */
export interface Lease {
  readonly filled: Deferred.Deferred<number>;
  readonly expiresAt: number;
}

/** How a request for a key went, before its own start and end are stamped on it. */
export type Served =
  | {
      readonly cache: "HIT" | "MISS" | "WAIT";
      readonly bytes: number;
      readonly fetch: boolean;
      readonly releasedBy: Release;
      readonly takeover: boolean;
      readonly fetchStartedAt: number | null;
      readonly filledAt: number | null;
    }
  | { readonly cache: "DIED" };

export interface WorldState {
  readonly options: WorldOptions;
  /** Mutable: the Scaler's test layer adds and stops instances. */
  readonly instances: string[];
  readonly cache: Map<string, number>;
  /** Single-flight: a request in flight per `instance|key`. */
  readonly flights: Map<string, Deferred.Deferred<Served>>;
  /** The lease per key, and the upstream latency per key (the replay's knob). */
  readonly leases: Map<string, Lease>;
  readonly latency: Map<string, number>;
  /** One permit: with `serialArrivals` each bars request holds it while it is served. */
  readonly gate: Semaphore.Semaphore;
  /** The instance an armed fault is aimed at (null: any but the runner's). */
  readonly aims: Map<string, string | null>;
  readonly counters: {
    cache_hit: number;
    cache_miss: number;
    provider_fetch: number;
    lock_waits: number;
  };
  readonly barsEvents: BarsEvent[];
  readonly upstream: Map<string, number>;
  readonly requests: Map<string, number>;
  /** Job ids in enqueue order, and the idempotency keys that made them. */
  readonly enqueued: string[];
  readonly idempotency: Map<string, string>;
  readonly reports: ProgressReport[];
  readonly checks: Check[];
  readonly metrics: Readings;
  readonly armed: string[];
  readonly limits: (number | null)[];
  /** Dependencies restarted so far, in order (the Infra test layer). */
  readonly restarts: string[];
  /** Dependencies down right now (a restart's outage): enqueues answer 503 while Postgres is. */
  readonly down: Set<string>;
  /** Round-robin cursor and the balancer's current instance limit. */
  balancer: { next: number; limit: number | null };
  readonly memory: (instanceId: string, k: number, at: number) => MemoryPoint;
  readonly jobHistory: (ids: readonly string[]) => { jobs: JobRecord[]; events: ExecutionEvent[] };
}

export const makeWorld = (options: WorldOptions = {}): WorldState => ({
  options,
  instances: Array.from({ length: options.instances ?? 2 }, (_, i) => `i${i + 1}`),
  cache: new Map(),
  flights: new Map(),
  leases: new Map(),
  latency: new Map(),
  gate: Semaphore.makeUnsafe(1),
  aims: new Map(),
  counters: { cache_hit: 0, cache_miss: 0, provider_fetch: 0, lock_waits: 0 },
  barsEvents: [],
  upstream: new Map(),
  requests: new Map(),
  enqueued: [],
  idempotency: new Map(),
  reports: [],
  checks: [],
  metrics: {},
  armed: [],
  limits: [],
  restarts: [],
  down: new Set(),
  balancer: { next: 0, limit: null },
  memory: options.memory ?? healthyPoint,
  jobHistory: options.jobHistory ?? cleanHistory,
});

export class World extends Context.Service<World, WorldState>()("@scaleproof/core/testing/World") {
  static readonly layer = (options: WorldOptions = {}) =>
    Layer.sync(World, () => makeWorld(options));
}
