import { responsesOf } from "../../answers.ts";
import type { Answer, BarsTiming, RunCounters, TargetResponse } from "../../data.ts";

/** A: warm-up, hits, cross-instance. B: the stampede (and cross-instance). C: the takeover. */
export type Key = "A" | "B" | "C";

/** One request of the run: which key, in which step, and what came of it. */
export interface CacheRequest {
  readonly key: Key;
  readonly step: string;
  readonly answer: Answer;
}

export interface StampedeEvidence {
  /** Concurrent requests sent for the new key. */
  readonly n: number;
  readonly before: RunCounters;
  readonly after: RunCounters;
  readonly burst: readonly Answer[];
  /** Provider fetches the persisted events record for the key. */
  readonly persistedFetches: number;
  /** The upstream's own count of the burst's fetches; null when it cannot tell. */
  readonly upstream: number | null;
  /** What answered the fetches, and the latency the runner gave this key's fetch (null: not slowed). */
  readonly upstreamKind: "replay" | "provider";
  readonly slowedMs: number | null;
  /**
   * The persisted requests for the key, each with how it was released and its
   * instance's own timestamps: the evidence that they overlapped the single fetch.
   */
  readonly timeline: readonly BarsTiming[];
}

/**
 * The holder of a new key's lease dies mid-fetch (fault `cache-holder-crash`, aimed at an
 * instance that is not the runner's); concurrent requests on the other instances wait.
 */
export interface TakeoverEvidence {
  /** Why the holder could not be made to die (no instance to crash, faults disabled); null when the fault was armed. */
  readonly notRun: string | null;
  /** The instance the fault was aimed at, and its boot id before. */
  readonly victim: string | null;
  readonly victimBoot: string | null;
  /** The request sent to it first (it took the lease); null when the step did not run. */
  readonly victimAnswer: Answer | null;
  /** Requests sent to the other instances once the lease was held. */
  readonly waiters: readonly Answer[];
  readonly before: RunCounters;
  readonly after: RunCounters;
  /** The upstream's own count of the key's fetches; null when it cannot tell. */
  readonly upstream: number | null;
  /** The persisted requests for the key (the dead holder's never landed). */
  readonly timeline: readonly BarsTiming[];
  /** The victim's boot id once it was back (null: not seen back). */
  readonly restartedBoot: string | null;
}

/**
 * Redis restarted after the sustain (`restarts: ["redis"]`), then a stampede on new keys
 * pinned across the instances once they answer healthy again. Fetches are counted from
 * what a restart cannot wipe: the persisted events (Postgres) and the upstream's count.
 */
export interface RedisRestartEvidence {
  /** Why it did not run (the platform may not restart Redis); null when it ran. */
  readonly notRun: string | null;
  readonly downMs: number;
  /** When Redis went down and accepted connections again (epoch ms); null when not run. */
  readonly window: { readonly downAt: number; readonly upAt: number } | null;
  /** Each instance the run had heard from, with the boot id it answered with before. */
  readonly bootsBefore: readonly { readonly instanceId: string; readonly bootId: string | null }[];
  /** Instances not answering healthy within the wait after Redis was back. */
  readonly notBack: readonly string[];
  /** The new keys, and the burst's answers (each request pinned to an instance in turn). */
  readonly keys: readonly string[];
  readonly burst: readonly Answer[];
  /** Provider fetches of the new keys in the persisted events, and the upstream's own count. */
  readonly persistedFetches: number;
  readonly upstream: number | null;
}

/** Everything the cache profile measured: plain data, judged by `judge.ts`. */
export interface CacheEvidence {
  readonly range: { readonly start: string; readonly end: string };
  readonly faultsActive: readonly string[];
  readonly warm: TargetResponse;
  /** Bytes the shared cache holds under the warm-up's key. */
  readonly storedBytes: number | null;
  /** The instance that served the warm-up (the hit step pins to it). */
  readonly pin: string | null;
  readonly stampede: StampedeEvidence;
  /** Null when the run was asked not to crash anything (`crash: false`). */
  readonly takeover: TakeoverEvidence | null;
  readonly expectedInstances: number | null;
  /** Every request of keys A and B in order, the warm-up first (the takeover's are its own). */
  readonly requests: readonly CacheRequest[];
  readonly countersAfterWarmup: RunCounters;
  readonly countersAtEnd: RunCounters;
  /** Provider fetches in the persisted events of keys A and B, at the end. */
  readonly persistedFetches: number;
  /** The upstream's own count over the run for both ranges; null when it cannot tell. */
  readonly upstreamTotal: number | null;
  /** Absent unless the run asked for it (and in older exports). */
  readonly redisRestart?: RedisRestartEvidence | undefined;
}

export const answersOf = (rs: readonly CacheRequest[]) => rs.map((r) => r.answer);

/** Instances that served a HIT for this key. */
export const instancesWithHit = (requests: readonly CacheRequest[], key: Key): number =>
  new Set(
    responsesOf(answersOf(requests.filter((r) => r.key === key)))
      .filter((r) => r.cache === "HIT")
      .map((r) => r.instanceId),
  ).size;

/** Requests for this key answered 200 (what the persisted events must at least hold). */
export const okCount = (requests: readonly CacheRequest[], key: Key): number =>
  responsesOf(answersOf(requests.filter((r) => r.key === key))).filter((r) => r.status === 200)
    .length;
