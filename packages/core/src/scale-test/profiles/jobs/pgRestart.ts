import { Clock, Effect, Fiber } from "effect";
import type { RunParams } from "../../schema.ts";
import { Infra } from "../../services/infra.ts";
import { Target } from "../../services/target.ts";
import { acceptedId, backtestBody, enqueueOne, refusal, refusalOf } from "./enqueue.ts";
import type { PgRestart, RestartStream } from "./evidence.ts";
import { PG_DOWN_MS } from "./plan.ts";

/** Two enqueues in flight at a time while the restart is under way. */
const STREAM_LANES = 2;
/** The most jobs the stream submits, however long the stop takes to come. */
export const STREAM_MAX_JOBS = 1_000;
/** Each lane's gap before a submission, and its pause after a 429 QUEUE_FULL. */
const GAP = "1 millis";
const FULL_PAUSE = "100 millis";

/** 502/503/504: Postgres (or the instance behind it) is going down; worth retrying. */
const RETRIABLE = new Set([502, 503, 504]);

/**
 * Backtests streamed in, two lanes at a time, from the moment the restart is asked for
 * until Postgres is seen going down (an enqueue answered 502/503/504 or unanswered), the
 * restart has ended, or STREAM_MAX_JOBS were submitted: on a deployment whose jobs finish
 * faster than a stop takes effect, the last ones accepted are still queued or running
 * when it comes. A submission that meets the outage is retried as any enqueue is (same
 * idempotency key: the queue returns the same job), so it is accepted once Postgres is
 * back, or refused; a 429 QUEUE_FULL is the queue at its cap (jobs in flight already):
 * that lane pauses and the submission is not counted.
 */
const streamJobs = Effect.fn("jobsProfile.restartStream")(function* (
  params: RunParams,
  range: { readonly start: string; readonly end: string },
  restartEnded: () => boolean,
) {
  const target = yield* Target;
  const accepted: { id: string; at: number }[] = [];
  const refused: string[] = [];
  let queueFull = 0;
  let next = 0; // each submission its own key, a 429's too (never reused)
  let outage = false;
  const stop = () => outage || restartEnded() || next - queueFull >= STREAM_MAX_JOBS;
  const accept = (id: string) =>
    Effect.gen(function* () {
      accepted.push({ id, at: yield* Clock.currentTimeMillis });
    });
  const submit = (i: number) =>
    Effect.gen(function* () {
      const body = backtestBody(params, range, target.runId, "pg", i);
      const first = yield* Effect.result(target.post({ path: "/api/backtests", body }));
      if (first._tag === "Success" && !RETRIABLE.has(first.success.status)) {
        const r = first.success;
        const id = acceptedId(r);
        if (id !== null) return yield* accept(id);
        if (r.status === 429) {
          queueFull += 1;
          return yield* Effect.sleep(FULL_PAUSE);
        }
        return void refused.push(refusalOf(r));
      }
      // Going down (or already down): no new submissions; this one rides the outage out.
      outage = true;
      const again = yield* Effect.result(enqueueOne(body));
      if (again._tag === "Failure") return void refused.push(refusal(again.failure));
      const id = acceptedId(again.success);
      if (id === null) refused.push(refusalOf(again.success));
      else yield* accept(id);
    });
  const lane = Effect.gen(function* () {
    for (;;) {
      yield* Effect.sleep(GAP);
      if (stop()) return;
      yield* submit(next++);
    }
  });
  yield* Effect.all(
    Array.from({ length: STREAM_LANES }, () => lane),
    {
      concurrency: "unbounded",
      discard: true,
    },
  );
  return { accepted, refused, queueFull } satisfies RestartStream;
});

/**
 * Postgres restarted as the execute step starts (only where the platform may restart
 * it), with backtests streaming in until it goes down, so jobs are in flight when it
 * does however fast the deployment runs them; undefined when the run did not ask for it.
 */
export const pgRestartStep = Effect.fn("jobsProfile.pgRestart")(function* (
  params: RunParams,
  range: { readonly start: string; readonly end: string },
) {
  if (!params.restarts?.includes("postgres")) return undefined;
  const infra = yield* Infra;
  if (!infra.restartable.postgres) {
    return { notRun: "the platform may not restart Postgres", window: null } satisfies PgRestart;
  }
  let ended = false;
  const restarting = yield* Effect.forkChild(
    infra.restart("postgres", PG_DOWN_MS).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          ended = true;
        }),
      ),
    ),
  );
  const stream = yield* streamJobs(params, range, () => ended);
  const window = yield* Fiber.join(restarting);
  return { notRun: null, window, stream } satisfies PgRestart;
});
