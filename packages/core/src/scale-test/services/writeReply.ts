import { Duration, Effect, Random } from "effect";
import type { TargetUnreachable } from "../errors.ts";

/** What a write request (ingest, upload) got back, read from the response itself. */
export interface WriteReply {
  readonly status: number;
  readonly instanceId: string | null;
  readonly bootId: string | null;
  /** `error.code` of a JSON error body. */
  readonly errorCode: string | null;
  /** Retry-After in seconds (429, 503), when the answer gave one. */
  readonly retryAfterSec: number | null;
  readonly json: unknown;
}

/**
 * Answers worth sending again with the same ids: a gateway that lost the answer or the
 * instance (502/504), an instance shedding or backlogged (503), a full queue (429).
 */
export const isRetriable = (r: WriteReply): boolean =>
  r.status === 429 || r.status === 502 || r.status === 503 || r.status === 504;

/** One attempt as evidence: its status, or that nothing came back. */
export type AttemptAnswer = number | "unreachable";

export interface Attempted {
  /** The last answer, or null when no attempt was answered. */
  readonly reply: WriteReply | null;
  readonly answers: readonly AttemptAnswer[];
  /** Why the last attempt went unanswered, if it did. */
  readonly unreachable: string | null;
}

export interface RetryPolicy {
  /** Attempts in all (the first included). */
  readonly attempts: number;
  readonly baseMs: number;
  /** No wait is longer than this (a Retry-After too). */
  readonly maxMs: number;
}

/** 200, 400, 800, 1600, 3200 ms (x0.8-1.2): 6 attempts over ~6 s, enough for a restart. */
export const WRITE_RETRIES: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 5_000 };

/**
 * Sends, and sends again while the answer is retriable or missing, waiting a jittered
 * exponential backoff (or the answer's Retry-After) between attempts. Every attempt's
 * answer is kept. Safe only for requests whose repeats are idempotent (same ids).
 */
export const withRetries = (
  send: Effect.Effect<WriteReply, TargetUnreachable>,
  policy: RetryPolicy = WRITE_RETRIES,
): Effect.Effect<Attempted> =>
  Effect.gen(function* () {
    const answers: AttemptAnswer[] = [];
    for (let attempt = 1; ; attempt++) {
      const r = yield* Effect.result(send);
      const reply = r._tag === "Success" ? r.success : null;
      answers.push(reply ? reply.status : "unreachable");
      const unreachable = r._tag === "Failure" ? r.failure.message : null;
      if ((reply && !isRetriable(reply)) || attempt >= policy.attempts) {
        return { reply, answers, unreachable } satisfies Attempted;
      }
      const backoff = policy.baseMs * 2 ** (attempt - 1) * (yield* Random.nextBetween(0.8, 1.2));
      const asked = reply?.retryAfterSec == null ? 0 : reply.retryAfterSec * 1000;
      yield* Effect.sleep(Duration.millis(Math.min(policy.maxMs, Math.max(backoff, asked))));
    }
  });
