import { Effect, Fiber } from "effect";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { Faults } from "../../services/faults.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { Target } from "../../services/target.ts";
import { lastTradingDays } from "../../tradingDays.ts";
import { enqueueWave } from "./enqueue.ts";
import type { JobsEvidence, Wave } from "./evidence.ts";
import { executeStep } from "./execute.ts";
import { judgeJobs } from "./judge.ts";
import { pgRestartStep } from "./pgRestart.ts";
import { JOBS_DEFAULT_MIN, jobsPlan } from "./plan.ts";
import { awaitRestart, awaitZombie } from "./verify.ts";

/**
 * Seed PROFILE 2: no backtest runs twice while several instances work the queue, even
 * when one instance dies mid-job (crash) or a worker stalls (zombie). The verdict comes
 * from the recorded execution history (checkHistory), not from the queue's own status.
 */
export const jobsProfile: Profile = {
  name: "jobs",
  title: "Job duplication",
  defaultDurationMin: JOBS_DEFAULT_MIN,
  plan: jobsPlan,
  run: (params) => runJobs(params),
};

const FAULTS = [
  ["crash", (p: RunParams) => p.crash],
  ["stall-heartbeat", (p: RunParams) => p.stall],
] as const;

/**
 * Where a fault is aimed (undefined: any instance but the runner's). The crash must spare
 * the runner, so on two instances it takes the other one; a stall there too would die
 * with it before its late completion reached the fencing. So with a crash armed the stall
 * goes to the runner's own worker (it cannot take the runner down); the crash, sparing the
 * runner, hits another instance. Unknown runner: left unaimed (the judge says if the zombie
 * never completed).
 */
export const aimOf = (
  name: string,
  wanted: readonly string[],
  spared: string | null,
): string | undefined =>
  name === "stall-heartbeat" && wanted.includes("crash") && spared !== null ? spared : undefined;

/** Arm: one-shot faults scoped to this run's jobs; those the deployment refuses are reported. */
const arm = Effect.fn("jobsProfile.arm")(function* (params: RunParams) {
  const faults = yield* Faults;
  const runId = (yield* Target).runId;
  const wanted = FAULTS.filter(([, want]) => want(params)).map(([name]) => name);
  const injected = yield* Effect.forEach(wanted, (name) =>
    faults
      .inject(name, { runId }, aimOf(name, wanted, faults.spared))
      .pipe(Effect.map((ok) => [name, ok] as const)),
  );
  return {
    armed: injected.filter(([, ok]) => ok).map(([name]) => name),
    notArmed: injected.filter(([, ok]) => !ok).map(([name]) => name),
  };
});

const runJobs = Effect.fn("jobsProfile")(function* (params: RunParams) {
  const tracker = yield* makeTracker(jobsPlan(params));
  const jobEvidence = yield* JobEvidence;
  const faults = yield* Faults;

  yield* tracker.at("setup");
  const range = params.ranges?.[0] ?? lastTradingDays(yield* (yield* Evidence).availableRange, 1);

  yield* tracker.at("arm");
  const { armed, notArmed } = yield* arm(params);

  const body = Effect.gen(function* () {
    // enqueue: N backtests at once through the balancer (waves of N in a full run).
    yield* tracker.at("enqueue");
    const waves: Wave[] = [yield* enqueueWave(params, range, 0)];

    // execute (Postgres restarted as it starts, when asked, jobs streaming in until it
    // goes down: some are in flight). The execute step ends only after the stream has.
    yield* tracker.at("execute");
    const restarting = yield* Effect.forkChild(pgRestartStep(params, range));
    const last = yield* executeStep(
      params,
      tracker,
      waves,
      (w) => enqueueWave(params, range, w),
      () => restarting.pollUnsafe() === undefined,
    );
    const pgRestart = yield* Fiber.join(restarting);

    yield* tracker.at("verify");
    if (armed.includes("stall-heartbeat")) yield* awaitZombie;
    const history = yield* jobEvidence.history;
    const restart = armed.includes("crash") ? yield* awaitRestart(history.events) : null;
    const ev: JobsEvidence = {
      range,
      armed,
      notArmed,
      jobsPerWave: params.jobs,
      waves,
      ended: last.ended,
      history,
      restart,
      ...(pgRestart ? { pgRestart } : {}),
    };
    const result = yield* publish(judgeJobs(ev));
    yield* tracker.at("verdict");
    return { ...result, evidence: { profile: "jobs", jobs: ev } } satisfies Judged;
  });
  return yield* body.pipe(
    Effect.ensuring(Effect.forEach(armed, (f) => faults.clear(f), { discard: true })),
  );
});
