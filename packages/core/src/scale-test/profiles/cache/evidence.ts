import { responsesOf } from "../../answers.ts";
import type { Answer, RunCounters, TargetResponse } from "../../data.ts";

/** A: warm-up, hits, cross-instance. B: the stampede (and cross-instance). */
export type Key = "A" | "B";

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
  readonly expectedInstances: number | null;
  /** Every request in order, the warm-up first. */
  readonly requests: readonly CacheRequest[];
  readonly countersAfterWarmup: RunCounters;
  readonly countersAtEnd: RunCounters;
  /** Provider fetches in the persisted events of keys A and B, at the end. */
  readonly persistedFetches: number;
  /** The upstream's own count over the run for both ranges; null when it cannot tell. */
  readonly upstreamTotal: number | null;
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
