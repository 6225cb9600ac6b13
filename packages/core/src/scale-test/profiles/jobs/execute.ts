import { Clock, Effect, Schedule } from "effect";
import type { Tracker } from "../../progress/tracker.ts";
import type { RunParams } from "../../schema.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { Progress } from "../../services/progress.ts";
import type { Target } from "../../services/target.ts";
import type { Wave } from "./evidence.ts";
import { jobsDurationMs, jobsPlan, moreWavesComing, QUICK_DEADLINE_MS, waveDue } from "./plan.ts";

interface Poll {
  readonly now: number;
  readonly ended: number;
  readonly total: number;
  readonly more: boolean;
}

/**
 * Execute: poll the queue every 250 ms until every job has ended (completed or failed)
 * and none can still come (`streaming`), enqueuing a wave a minute while the duration
 * lasts in a full run; the deadline ends it regardless (lost jobs are then judged).
 * Appends each new wave to `waves`.
 */
export const executeStep = Effect.fn("jobsProfile.execute")(function* (
  params: RunParams,
  tracker: Tracker,
  waves: Wave[],
  enqueue: (w: number) => Effect.Effect<Wave, never, Target>,
  /** More jobs may still come from elsewhere (the Postgres restart's stream). */
  streaming: () => boolean = () => false,
) {
  const jobEvidence = yield* JobEvidence;
  const progress = yield* Progress;
  const from = yield* Clock.currentTimeMillis;
  const planned = jobsPlan(params).find((s) => s.name === "execute")?.ms ?? 1;
  const deadline =
    tracker.startedAt +
    (params.quick ? QUICK_DEADLINE_MS : jobsDurationMs(params) + QUICK_DEADLINE_MS);
  const poll = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis;
    const elapsed = now - tracker.startedAt;
    if (waveDue(params, elapsed, waves.length)) waves.push(yield* enqueue(waves.length));
    // read before the history: a job streamed in as the stream ends is in that history
    const streamingBefore = streaming();
    const { jobs } = yield* jobEvidence.history;
    const ended = jobs.filter((j) => j.status === "completed" || j.status === "failed").length;
    const more = moreWavesComing(params, elapsed) || streamingBefore;
    const done = jobs.length ? ended / jobs.length : 0;
    const inTime = Math.min(0.95, (now - from) / Math.max(1, planned));
    yield* progress.metric("jobs.ended_count", ended);
    yield* tracker.at(
      "execute",
      params.quick ? 0.9 * done : more ? inTime : Math.max(inTime, done),
    );
    return { now, ended, total: jobs.length, more } satisfies Poll;
  });
  return yield* poll.pipe(
    Effect.repeat({
      schedule: Schedule.spaced("250 millis"),
      until: (p) => (p.ended === p.total && !p.more) || p.now > deadline,
    }),
  );
});
