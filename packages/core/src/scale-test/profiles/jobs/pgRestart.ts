import { Clock, Effect, Fiber } from "effect";
import type { RunParams } from "../../schema.ts";
import { Infra } from "../../services/infra.ts";
import { Target } from "../../services/target.ts";
import { acceptedId, backtestBody, enqueueOne, RETRIABLE, refusal, refusalOf } from "./enqueue.ts";
import type { PgRestart, RestartStream } from "./evidence.ts";
import { PG_DOWN_MS } from "./plan.ts";

/** Two enqueues in flight at a time while the restart is under way. */
const STREAM_LANES = 2;
/**
 * The most jobs the stream submits, and the longest it goes on submitting, however long
 * the stop takes (a submission that met the outage then waits for the restart's end).
 */
export const STREAM_MAX_JOBS = 1_000;
export const STREAM_MAX_MS = 60_000;
/** Each lane's gap before a submission, and its pause after a 429 QUEUE_FULL. */
const GAP = "1 millis";
const FULL_PAUSE = "100 millis";

/** What the API answers an enqueue while its Postgres is down. */
const OUTAGE = { status: 503, code: "DATABASE_UNAVAILABLE" } as const;

/**
 * Backtests streamed in, two lanes at a time, from the moment the restart is asked for
 * until an enqueue is answered 503 DATABASE_UNAVAILABLE (Postgres is down), the restart
 * has ended, STREAM_MAX_JOBS were submitted or STREAM_MAX_MS have passed: on a deployment
 * whose jobs finish faster than a stop takes effect, the last ones accepted are still
 * queued or running when it comes. The submission that met the outage waits for the
 * restart to end, then is retried as any enqueue is (same idempotency key: the queue
 * returns the same job). Any other 502/503/504 or unanswered enqueue (an instance that
 * crashed or shed) is retried the same way, and the stream goes on. A 429 QUEUE_FULL is
 * the queue at its cap, jobs in flight already: that lane pauses, the submission is not
 * counted (its key is not used again).
 */
const streamJobs = Effect.fn("jobsProfile.restartStream")(function* (
  params: RunParams,
  range: { readonly start: string; readonly end: string },
  restart: Fiber.Fiber<unknown>,
) {
  const target = yield* Target;
  const restartEnded = () => restart.pollUnsafe() !== undefined;
  /** Waits until the restart has ended (bounded: its call has a timeout). */
  const restartOver = Fiber.await(restart);
  const from = yield* Clock.currentTimeMillis;
  const accepted: { id: string; at: number }[] = [];
  const refused: string[] = [];
  let queueFull = 0;
  let next = 0; // each submission its own key, a 429's too (never reused)
  let outage = false;
  const stop = (now: number) =>
    outage || restartEnded() || next - queueFull >= STREAM_MAX_JOBS || now - from >= STREAM_MAX_MS;
  const accept = (id: string) =>
    Effect.gen(function* () {
      accepted.push({ id, at: yield* Clock.currentTimeMillis });
    });
  /**
   * Retried as any enqueue: accepted, or refused with why; retries that all failed while
   * the restart was under way wait for its end and go once more.
   */
  const settle = (body: Readonly<Record<string, unknown>>): Effect.Effect<void, never, Target> =>
    Effect.gen(function* () {
      const again = yield* Effect.result(enqueueOne(body));
      if (again._tag === "Failure") {
        const f = again.failure;
        if (!restartEnded()) {
          // still going down or coming back: wait for the restart's end, then once more
          const down =
            f._tag === "TargetUnavailable" && f.status === OUTAGE.status && f.code === OUTAGE.code;
          if (down) outage = true;
          yield* restartOver;
          return yield* settle(body);
        }
        return void refused.push(refusal(f));
      }
      const id = acceptedId(again.success);
      if (id === null) refused.push(refusalOf(again.success));
      else yield* accept(id);
    });
  const submit = (i: number) =>
    Effect.gen(function* () {
      const body = backtestBody(params, range, target.runId, "pg", i);
      const first = yield* Effect.result(target.post({ path: "/api/backtests", body }));
      if (first._tag === "Failure") return yield* settle(body);
      const r = first.success;
      const id = acceptedId(r);
      if (id !== null) return yield* accept(id);
      if (r.status === 429 && r.errorCode === "QUEUE_FULL") {
        queueFull += 1;
        return yield* Effect.sleep(FULL_PAUSE);
      }
      if (r.status === OUTAGE.status && r.errorCode === OUTAGE.code) {
        // Postgres is down: no new submissions; this one waits the restart out.
        outage = true;
        yield* restartOver;
        return yield* settle(body);
      }
      if (RETRIABLE.has(r.status)) return yield* settle(body);
      refused.push(refusalOf(r));
    });
  const lane = Effect.gen(function* () {
    for (;;) {
      yield* Effect.sleep(GAP);
      if (stop(yield* Clock.currentTimeMillis)) return;
      yield* submit(next++);
    }
  });
  yield* Effect.all(
    Array.from({ length: STREAM_LANES }, () => lane),
    { concurrency: "unbounded", discard: true },
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
  const restarting = yield* Effect.forkChild(infra.restart("postgres", PG_DOWN_MS));
  const stream = yield* streamJobs(params, range, restarting);
  const window = yield* Fiber.join(restarting);
  return { notRun: null, window, stream } satisfies PgRestart;
});
