import type { LevelCounts, LevelMeasure } from "@scaleproof/core/scale-test/profiles/load/data";
import type { Workload } from "./workload.ts";

/** How arrivals are spaced: evenly, or as a seeded Poisson process (see arrivals.ts). */
export type Arrival =
  | { readonly kind: "constant" }
  | { readonly kind: "poisson"; readonly seed: number };

/** The headers one request carries (the runner passes its evidence signing here). */
export type HeadersFor = (method: string, pathWithQuery: string) => Record<string, string>;

export interface LevelOptions {
  /** The deployment's origin (front door or public URL), e.g. `http://127.0.0.1:8080`. */
  readonly target: string;
  /** Offered rate, requests per second. */
  readonly rate: number;
  readonly durationMs: number;
  readonly arrival: Arrival;
  /** What each arrival asks for; one per run, shared by its levels so new keys stay new. */
  readonly workload: Workload;
  readonly headersFor?: HeadersFor;
  readonly signal?: AbortSignal;
  /** Keep-alive connections to the target (undici Pool). Default 32. */
  readonly connections?: number;
  /**
   * Requests the pool may hold at once (sent and not yet released by it, including ones
   * already counted timed out that still wait in its queue). An arrival beyond it is
   * `dropped`: counted, never sent, never queued. Default: what `rate` sustains for
   * `timeoutMs` (more would time out waiting anyway), at least `connections`, at most 10,000.
   */
  readonly maxInFlight?: number;
  /** Per request, counted from its intended send time. Default 10 s. */
  readonly timeoutMs?: number;
  /** After the last arrival, how long answers are still awaited. Default `timeoutMs`. */
  readonly drainMs?: number;
}

/**
 * Per level: scheduled = sent + dropped; sent = answered (2xx) + failed (other statuses,
 * network errors) + shed (503) + timedOut + inFlight (unsettled when the level stopped).
 * The load profile's own types, so what the engine counts is what the judge reads.
 */
export type { LevelCounts } from "@scaleproof/core/scale-test/profiles/load/data";

/** Values recorded: answered, plus timed out and in flight at their lower bound. */
export type LatencySummary = LevelMeasure["latencyMs"];

export interface LevelResult {
  readonly offeredRate: number;
  readonly durationMs: number;
  /** How long arrivals were scheduled: `durationMs`, or less when aborted. */
  readonly elapsedMs: number;
  readonly aborted: boolean;
  readonly connections: number;
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  readonly counts: LevelCounts;
  /** Answered per second over `elapsedMs`. */
  readonly achievedRate: number;
  /** Share of scheduled arrivals that got no 2xx (dropped, failed, shed, timed out, in flight). */
  readonly errorRate: number;
  /** Milliseconds from the intended send time (coordinated-omission safe). */
  readonly latencyMs: LatencySummary;
  /** How late the generator handed requests to the pool; large values mean the runner itself saturated. */
  readonly scheduleLagMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
  /** The latency histogram, microseconds, HDR compressed base64 (`decodeLatency` reads it back). */
  readonly histogram: string;
  readonly byKind: Readonly<Record<string, { readonly sent: number; readonly answered: number }>>;
  readonly statuses: Readonly<Record<string, number>>;
  readonly shedCodes: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  /**
   * Job ids the level's enqueues were acknowledged with (a 2xx carrying an id), in the
   * order the answers came; one answered after the runner gave up on it included.
   */
  readonly jobIds?: readonly string[];
  /** Per instance that answered (its `x-instance-id`): its boot ids in the order seen, and its answers. */
  readonly byInstance: Readonly<
    Record<
      string,
      {
        readonly bootIds: readonly string[];
        readonly answered: number;
        readonly failed: number;
        readonly shed: number;
      }
    >
  >;
}
