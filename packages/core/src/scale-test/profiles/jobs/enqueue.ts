import { Array as Arr, Effect, Schedule } from "effect";
import { TargetUnavailable, type TargetUnreachable } from "../../errors.ts";
import type { RunParams } from "../../schema.ts";
import { Target } from "../../services/target.ts";
import type { Wave } from "./evidence.ts";

/** 200, 400, 800, 1600, 3200 ms (each x0.8-1.2): 6 attempts over ~6 s, enough for a restart. */
const backoff = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.upTo({ times: 5 }),
);

/** 502/503/504: an instance died mid-request, shed, or its dependency is down; worth retrying. */
export const RETRIABLE: ReadonlySet<number> = new Set([502, 503, 504]);

const idOf = (json: unknown): string | null =>
  typeof json === "object" && json !== null && "id" in json && typeof json.id === "string"
    ? json.id
    : null;

/**
 * One enqueue through the balancer. A 502/503/504 (an instance died mid-request, or shed)
 * is a typed TargetUnavailable and is retried, like an unanswered request, with the same
 * idempotency key: the queue returns the same job. Other answers are final.
 */
export const enqueueOne = (body: Readonly<Record<string, unknown>>) =>
  Target.use((target) =>
    target.post({ path: "/api/backtests", body }).pipe(
      Effect.flatMap((r) =>
        RETRIABLE.has(r.status)
          ? Effect.fail(new TargetUnavailable({ status: r.status, code: r.errorCode }))
          : Effect.succeed(r),
      ),
      // Both failures left are retriable: unanswered, or answered 502/503/504.
      Effect.retry({ schedule: backoff }),
    ),
  );

/** A final answer other than 202, in words: its status and error code. */
export const refusalOf = (r: { readonly status: number; readonly errorCode: string | null }) =>
  `${r.status} ${r.errorCode ?? ""}`.trim();

export const refusal = (e: TargetUnavailable | TargetUnreachable) =>
  e._tag === "TargetUnavailable"
    ? refusalOf({ status: e.status, errorCode: e.code })
    : `unreachable: ${e.message}`;

/**
 * The `i`-th backtest of a batch named `batch` (a wave's number, or the restart stream's
 * "pg"): its parameters vary with `i`, its idempotency key names it within the run.
 */
export const backtestBody = (
  params: RunParams,
  range: { readonly start: string; readonly end: string },
  runId: string,
  batch: number | string,
  i: number,
) => {
  const w = typeof batch === "number" ? batch : 0;
  return {
    symbol: params.symbol,
    tf: params.tf,
    start: range.start,
    end: range.end,
    fast: 5 + ((i + w) % 10),
    slow: 30 + ((i * 7) % 40),
    maxAttempts: 3,
    idempotencyKey: `${runId}:${batch}:${i}`,
  };
};

/** A final answer: the job's id when the queue accepted it (202), else why not. */
export const acceptedId = (r: { readonly status: number; readonly json: unknown }) =>
  r.status === 202 ? idOf(r.json) : null;

/** Wave `w`: `params.jobs` backtests at once (10 in flight); every refusal is kept, none dropped. */
export const enqueueWave = Effect.fn("jobsProfile.enqueueWave")(function* (
  params: RunParams,
  range: { readonly start: string; readonly end: string },
  w: number,
) {
  const runId = (yield* Target).runId;
  const results = yield* Effect.forEach(
    Array.from({ length: params.jobs }, (_, i) => i),
    (i) => Effect.result(enqueueOne(backtestBody(params, range, runId, w, i))),
    { concurrency: 10 },
  );
  const accepted: string[] = [];
  const refused: string[] = Arr.getFailures(results).map(refusal);
  for (const r of Arr.getSuccesses(results)) {
    const id = acceptedId(r);
    if (id === null) refused.push(refusalOf(r));
    else accepted.push(id);
  }
  return { accepted, refused } satisfies Wave;
});
