import { Context, type Deferred, Layer } from "effect";
import type { ExecutionEvent, JobRecord } from "../../jobs/events.ts";
import type { MemoryPoint } from "../data.ts";
import type { ProgressReport } from "../progress/plan.ts";
import type { Check, Metrics } from "../schema.ts";
import type { DbWorldOptions } from "./db.ts";
import { cleanHistory } from "./jobs.ts";
import { healthyPoint } from "./memory.ts";

/**
 * An in-memory model of the system under test, shared by the services' `layerTest`:
 * N instances behind a round-robin balancer, one shared cache with (or without) the
 * stampede lock, the evidence sources, a job queue and memory samplers. Switches break
 * one property at a time; tests read what the profile did from it.
 */
export interface WorldOptions {
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
  /** One instance's k-th memory sample, taken at `at` (default: healthy saw-tooth). */
  readonly memory?: (instanceId: string, k: number, at: number) => MemoryPoint;
  /** The runner may narrow the balancer to fewer instances (the local cluster can). */
  readonly scalable?: boolean;
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
}

export interface BarsEvent {
  readonly key: string;
  readonly instance: string;
  readonly outcome: "HIT" | "MISS" | "WAIT";
  readonly fetch: boolean;
}

export interface WorldState {
  readonly options: WorldOptions;
  /** Mutable: the Scaler's test layer adds and stops instances. */
  readonly instances: string[];
  readonly cache: Map<string, number>;
  readonly inflight: Map<string, Deferred.Deferred<number>>;
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
  readonly metrics: Metrics;
  readonly armed: string[];
  readonly limits: (number | null)[];
  /** Round-robin cursor and the balancer's current instance limit. */
  balancer: { next: number; limit: number | null };
  readonly memory: (instanceId: string, k: number, at: number) => MemoryPoint;
  readonly jobHistory: (ids: readonly string[]) => { jobs: JobRecord[]; events: ExecutionEvent[] };
}

export const makeWorld = (options: WorldOptions = {}): WorldState => ({
  options,
  instances: Array.from({ length: options.instances ?? 2 }, (_, i) => `i${i + 1}`),
  cache: new Map(),
  inflight: new Map(),
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
  balancer: { next: 0, limit: null },
  memory: options.memory ?? healthyPoint,
  jobHistory: options.jobHistory ?? cleanHistory,
});

export class World extends Context.Service<World, WorldState>()("@scaleproof/core/testing/World") {
  static readonly layer = (options: WorldOptions = {}) =>
    Layer.sync(World, () => makeWorld(options));
}
