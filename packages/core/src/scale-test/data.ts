/**
 * Plain data the scale-test services exchange with profiles: requests and responses,
 * evidence records and memory samples. No behaviour here, so judges, services and the
 * in-memory test system can all depend on it.
 */

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

/** One request as evidence: the response, or the reason none came back. */
export type Answer =
  | { readonly _tag: "Answered"; readonly response: TargetResponse }
  | { readonly _tag: "Unreachable"; readonly message: string };

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

/**
 * How a bars request got its answer, as its instance recorded it: `hit` (stored value at
 * its first look), `fetch` (it fetched and filled: the holder, or a takeover), `wake` (it
 * waited on the lease and the fill's pub/sub message woke it), `poll` (it waited and a
 * timed re-check found the value), `single-flight` (it shared a request in flight on its
 * instance), `error`.
 */
export type Release = "hit" | "fetch" | "wake" | "poll" | "single-flight" | "error";

/** One persisted bars request with its instance's own timestamps (ms since the epoch). */
export interface BarsTiming {
  readonly instanceId: string;
  readonly bootId: string;
  readonly outcome: "HIT" | "MISS" | "WAIT" | "ERROR";
  readonly releasedBy: Release;
  readonly providerFetch: boolean;
  /** It fetched after taking over the lease of a holder whose lease expired. */
  readonly takeover: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The fetcher's own: its provider call began, and it sent the fill (null for everyone else). */
  readonly fetchStartedAt: number | null;
  readonly filledAt: number | null;
}

export interface BarsRange {
  readonly symbol: string;
  readonly tf: "1m" | "5m";
  readonly start: string;
  readonly end: string;
}

export interface ActiveFault {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly instanceId: string | null;
}

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
  /** What survived a full GC at this sample (null: no fresh reading): the leak verdicts' series. */
  readonly postGcHeap: number | null;
  /** Compiled code and bytecode within postGcHeap (the JIT grows it while warming up). */
  readonly postGcCode: number | null;
  /** V8's committed heap after the GC: postGcRss minus it is the memory outside the V8 heap. */
  readonly postGcHeapTotal: number | null;
  /** external, which includes arrayBuffers (Buffers): memory outside the V8 heap. */
  readonly postGcExternal: number | null;
  /** Every Buffer, ArrayBuffer and SharedArrayBuffer's memory (part of postGcExternal). */
  readonly postGcArrayBuffers: number | null;
  readonly postGcRss: number | null;
  /** The pause of the full GC the sampler forced for this reading, ms (null: none forced). */
  readonly gcForcedMs: number | null;
  /** Requests the instance began since its previous sample. */
  readonly requests: number;
}
