import { Cause, Clock, Effect, Exit } from "effect";
import { attemptWindows } from "../../../jobs/attempts.ts";
import { checkHistory } from "../../../jobs/history.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { Scaler } from "../../services/scaler.ts";
import type { ScaleOutInEvidence } from "./evidence.ts";

export type { ScaleOutInEvidence };

/** Into the sustained level: add at 20 % of it, stop at 70 % (or at once, if the add took longer). */
export const ADD_AT = 0.2;
export const STOP_AT = 0.7;

const reason = (cause: Cause.Cause<unknown>) => {
  const e = Cause.squash(cause);
  return e instanceof Error ? e.message : String(e);
};

/** Runs alongside the sustained level: the add, then the stop, with their times. */
export const scaleOutIn = Effect.fn("loadProfile.scaleOutIn")(function* (durationMs: number) {
  const scaler = yield* Scaler;
  const start = yield* Clock.currentTimeMillis;
  yield* Effect.sleep(Math.round(durationMs * ADD_AT));
  const added = yield* Effect.exit(scaler.add);
  if (Exit.isFailure(added)) {
    return {
      added: null,
      addedAt: null,
      stopped: null,
      stoppedAt: null,
      error: `scale-out: ${reason(added.cause)}`,
    };
  }
  const addedAt = yield* Clock.currentTimeMillis;
  const wait = start + Math.round(durationMs * STOP_AT) - addedAt;
  if (wait > 0) yield* Effect.sleep(wait);
  const stopped = yield* Effect.exit(scaler.stop(added.value));
  const stoppedAt = yield* Clock.currentTimeMillis;
  return Exit.isFailure(stopped)
    ? {
        added: added.value,
        addedAt,
        stopped: null,
        stoppedAt: null,
        error: `scale-in: ${reason(stopped.cause)}`,
      }
    : { added: added.value, addedAt, stopped: added.value, stoppedAt, error: null };
});

/** The job side, read once the run's traffic is over: how the stopped instance's attempts ended. */
export const scaleOutInJobs = Effect.fn("loadProfile.scaleOutInJobs")(function* (
  stopped: string | null,
) {
  const { jobs, events } = yield* (yield* JobEvidence).history;
  const verdict = checkHistory(jobs, events);
  return {
    stoppedAttempts: attemptWindows(events)
      .filter((w) => stopped !== null && w.instanceId === stopped)
      .map((w) => ({ jobId: w.jobId, attempt: w.attempt, outcome: w.outcome })),
    duplicates: verdict.duplicates,
    overlaps: verdict.overlaps,
  };
});
