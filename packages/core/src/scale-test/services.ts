import { Context, type Effect } from "effect";
import type { ExecutionEvent, JobRecord } from "../jobs/history.ts";
import type { ProfileSetupFailed, TargetUnreachable } from "./errors.ts";
import type { Check } from "./schema.ts";

/** One request a profile sends to the system under test. */
export interface TargetRequest {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Ask the load balancer for this instance (the local front door honours it; a platform may not). */
  readonly pin?: string;
}

/** What came back, read from the response itself (headers and body size), never assumed. */
export interface TargetResponse {
  readonly status: number;
  readonly cache: "HIT" | "MISS" | "WAIT" | null;
  readonly cacheKey: string | null;
  readonly instanceId: string | null;
  readonly bootId: string | null;
  readonly version: string | null;
  readonly bytes: number;
  readonly durationMs: number;
  /** Error code from a JSON error body, when the status is not 2xx. */
  readonly errorCode: string | null;
}

/** The system under test, reached over HTTP at its public URL; every request carries the run id. */
export class Target extends Context.Service<
  Target,
  {
    readonly url: string;
    /** The run these requests belong to (sent as `x-scale-test-run`). */
    readonly runId: string;
    readonly get: (req: TargetRequest) => Effect.Effect<TargetResponse, TargetUnreachable>;
    /** A JSON POST; the parsed JSON answer comes back with the response facts. */
    readonly post: (req: {
      readonly path: string;
      readonly body: unknown;
      readonly pin?: string;
    }) => Effect.Effect<TargetResponse & { readonly json: unknown }, TargetUnreachable>;
  }
>()("@scaleproof/core/Target") {}

export interface RunCounters {
  readonly cache_hit: number;
  readonly cache_miss: number;
  readonly provider_fetch: number;
  readonly lock_waits: number;
  /** Heavy requests answered 503 MEMORY_PRESSURE. */
  readonly shed?: number;
}

export interface PersistedBarsEvents {
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  readonly waits: number;
  readonly errors: number;
  readonly providerFetches: number;
  readonly instances: readonly string[];
}

export interface BarsRange {
  readonly symbol: string;
  readonly tf: "1m" | "5m";
  readonly start: string;
  readonly end: string;
}

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
    /** get_range requests the upstream itself counted for this range; null when it cannot tell (real Databento). */
    readonly upstreamFetches: (range: BarsRange) => Effect.Effect<number | null>;
    /** Bytes stored in the shared cache under this key; null when nothing is stored. */
    readonly cachedBytes: (cacheKey: string) => Effect.Effect<number | null>;
    /** Drops the cached value (and any cached error) for a range, so the next request is a real MISS. Returns the key. */
    readonly forgetBars: (range: BarsRange) => Effect.Effect<string, ProfileSetupFailed>;
    /** The span of data the provider has for the dataset. */
    readonly availableRange: Effect.Effect<{ start: string; end: string }, ProfileSetupFailed>;
    /** How many instances the target is expected to have, when known (local cluster). */
    readonly expectedInstances: Effect.Effect<number | null>;
  }
>()("@scaleproof/core/Evidence") {}

/** Where a run reports as it goes: status readers and the progress subscription see this. */
export class Progress extends Context.Service<
  Progress,
  {
    readonly step: (name: string, fraction: number) => Effect.Effect<void>;
    readonly check: (check: Check) => Effect.Effect<void>;
    readonly metric: (name: string, value: number | string | null) => Effect.Effect<void>;
    readonly observe: (
      step: string,
      response: TargetResponse,
      label: string,
    ) => Effect.Effect<void>;
  }
>()("@scaleproof/core/Progress") {}

export interface ActiveFault {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly instanceId: string | null;
}

/** Faults in the system under test: a run reports the active ones, and may arm one-shot faults. */
export class Faults extends Context.Service<
  Faults,
  {
    readonly active: Effect.Effect<readonly ActiveFault[]>;
    /** Arms a fault; false when this deployment does not allow fault injection. */
    readonly inject: (
      name: string,
      params: Readonly<Record<string, string | number>>,
    ) => Effect.Effect<boolean>;
    readonly clear: (name: string) => Effect.Effect<void>;
  }
>()("@scaleproof/core/Faults") {}

/** The job queue's own records for this run: jobs and every execution event. */
export class JobEvidence extends Context.Service<
  JobEvidence,
  {
    readonly history: Effect.Effect<{
      readonly jobs: readonly JobRecord[];
      readonly events: readonly ExecutionEvent[];
    }>;
  }
>()("@scaleproof/core/JobEvidence") {}

/** One memory sample of one instance (what its sampler persisted for this run). */
export interface MemoryPoint {
  readonly instanceId: string;
  readonly bootId: string;
  /** ms since the epoch */
  readonly at: number;
  readonly heapUsed: number;
  readonly oldGenUsed: number;
  readonly heapLimit: number;
  readonly rss: number;
  readonly gcCount: number;
  readonly pressure: number;
  readonly shedding: boolean;
  readonly eventLoopP99Ms: number | null;
}

/** The instances' memory samples for this run, and how many requests they shed. */
export class MemoryEvidence extends Context.Service<
  MemoryEvidence,
  {
    readonly samples: Effect.Effect<readonly MemoryPoint[]>;
    /** Sampling interval in force for this run (quick runs sample faster). */
    readonly sampleEveryMs: (quick: boolean) => number;
  }
>()("@scaleproof/core/MemoryEvidence") {}

/** The load balancer's instance count, when the runner may change it (the local cluster). */
export class Scaler extends Context.Service<
  Scaler,
  {
    readonly available: boolean;
    /** Send traffic to at most `n` instances; null: to all of them. */
    readonly limit: (n: number | null) => Effect.Effect<void>;
  }
>()("@scaleproof/core/Scaler") {}
