/**
 * Plain data the Load service exchanges with the load profile: what a level asked for,
 * what the engine measured, and what the instances reported meanwhile.
 */

/** The traffic mix of a load run: relative weights of each request kind. */
export interface LoadMix {
  /** `GET /api/bars` over a few warmed keys (HITs). */
  readonly barsCached: number;
  /** `GET /api/bars` over ranges nobody asked for yet (a provider fetch each). */
  readonly barsNew: number;
  /** `POST /api/backtests` (a new job each). */
  readonly backtests: number;
}

/** One open-loop level: `rate` arrivals per second for `durationMs`, Poisson-spaced from `seed`. */
export interface LevelSpec {
  readonly name: string;
  readonly rate: number;
  readonly durationMs: number;
  readonly seed: number;
}

export interface LevelCounts {
  /** Arrivals whose intended time came: `sent + dropped`. */
  readonly scheduled: number;
  /** Never sent: the runner already held as many requests as it may (its own limit). */
  readonly dropped: number;
  /** `answered + failed + shed + timedOut + inFlight`. */
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  readonly shed: number;
  readonly timedOut: number;
  readonly inFlight: number;
}

/** What one instance did during a level, read from its answers' headers. */
export interface InstanceTally {
  /** Boot ids seen in its answers, in the order first seen (two or more: it restarted). */
  readonly bootIds: readonly string[];
  readonly answered: number;
  readonly failed: number;
  readonly shed: number;
}

/** One level as the load engine measured it (latency from the intended send time). */
export interface LevelMeasure {
  /** Clock time (ms) the level started and ended (after its answers drained). */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly offeredRate: number;
  readonly durationMs: number;
  /** How long arrivals were scheduled: `durationMs`, or less when stopped early. */
  readonly elapsedMs: number;
  readonly aborted: boolean;
  readonly timeoutMs: number;
  readonly counts: LevelCounts;
  /** Answered per second over `elapsedMs`. */
  readonly achievedRate: number;
  readonly latencyMs: {
    readonly count: number;
    readonly p50: number;
    readonly p90: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
  };
  /** How late the runner handed requests over: large values mean the runner itself saturated. */
  readonly scheduleLagMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
  /** HDR histogram (µs, compressed base64) of every latency: the export carries it for re-judging. */
  readonly histogram: string;
  readonly statuses: Readonly<Record<string, number>>;
  readonly shedCodes: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly byInstance: Readonly<Record<string, InstanceTally>>;
}

/** One instance's resource sample (its memory sampler's row for this run). */
export interface ResourcePoint {
  readonly instanceId: string;
  readonly bootId: string;
  /** ms since the epoch (the instance's clock) */
  readonly at: number;
  /** CPU of the whole process (worker threads included) since its previous sample, % of the cores it may use; null when not recorded. */
  readonly cpuPct: number | null;
  readonly rss: number;
  /** The container's (or configured) memory limit; null when none is known. */
  readonly memoryLimit: number | null;
  readonly heapUsed: number;
  readonly heapLimit: number;
  /** Heap right after a full GC; null when this sample has no fresh reading. */
  readonly postGcHeap: number | null;
  readonly eventLoopP99Ms: number | null;
  readonly shedding: boolean;
}

/** One instance's in-process queues at one moment (its /metrics gauges); null: not exposed. */
export interface QueueProbe {
  readonly instanceId: string;
  readonly bootId: string | null;
  readonly at: number;
  /** HTTP requests being handled. */
  readonly requestsInFlight: number | null;
  /** Postgres queries waiting for a pool connection (a lower bound). */
  readonly dbWaiting: number | null;
  /** Job slots busy. */
  readonly jobsActive: number | null;
}

/** The warm-up: each cached key asked once before the first level. */
export interface WarmResult {
  readonly asked: number;
  readonly answered: number;
  /** Instances seen answering. */
  readonly instances: readonly string[];
  /** How the requests that were not answered ended. */
  readonly problems: readonly string[];
}

export type LevelKind = "baseline" | "ladder" | "sustained" | "recovery" | "capacity";

/** A level's gates: achieved/offered at least, p95 below, and the error-rate zone. */
export interface Gate {
  readonly achievedPct: number;
  readonly p95Ms: number;
  readonly errorPassPct: number;
  readonly errorFailPct: number;
}

export interface PlannedLevel {
  readonly name: string;
  readonly kind: LevelKind;
  readonly rate: number;
  readonly durationMs: number;
  /** The pause after it. */
  readonly cooldownMs: number;
  readonly gate: Gate;
}
