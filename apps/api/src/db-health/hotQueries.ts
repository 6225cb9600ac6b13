import type { Sql } from "@scaleproof/db/client";
import { activeScaleTestRun } from "@scaleproof/db/queries/activeScaleTestRun";
import { claimJobs } from "@scaleproof/db/queries/claimJobs";
import { completeJob } from "@scaleproof/db/queries/completeJob";
import { countBarsRequestEvents } from "@scaleproof/db/queries/countBarsRequestEvents";
import { countPendingJobs } from "@scaleproof/db/queries/countPendingJobs";
import { currentScaleTestRun } from "@scaleproof/db/queries/currentScaleTestRun";
import { enqueueCappedJobs } from "@scaleproof/db/queries/enqueueCappedJobs";
import { failJobAttempt } from "@scaleproof/db/queries/failJobAttempt";
import { getJob } from "@scaleproof/db/queries/getJob";
import { getScaleTestRun } from "@scaleproof/db/queries/getScaleTestRun";
import { heartbeatJob } from "@scaleproof/db/queries/heartbeatJob";
import { jobHistory } from "@scaleproof/db/queries/jobHistory";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";
import { listMemorySamples } from "@scaleproof/db/queries/listMemorySamples";
import { listScaleTestRuns } from "@scaleproof/db/queries/listScaleTestRuns";
import { readExplainSamples } from "@scaleproof/db/queries/readExplainSamples";
import { releaseJob } from "@scaleproof/db/queries/releaseJob";
import { renewScaleTestRunLease } from "@scaleproof/db/queries/renewScaleTestRunLease";
import { summariseScaleTestEvents } from "@scaleproof/db/queries/summariseScaleTestEvents";
import { sweepExhaustedJobs } from "@scaleproof/db/queries/sweepExhaustedJobs";
import { updateScaleTestRunProgress } from "@scaleproof/db/queries/updateScaleTestRunProgress";
import { type ExplainedStatement, explainQuery } from "./explain.ts";

/** Who the explained statements pretend to be: a worker of this instance. */
export interface ExplainAs {
  readonly instanceId: string;
  readonly bootId: string;
  readonly runId: string;
  readonly leaseMs: number;
  readonly claimBatch: number;
  readonly queueCap: number;
}

/**
 * The statements instances run all the time, by the very query functions they call, with
 * realistic parameters: the newest job, run, cache key and boot the database holds (the
 * values a busy cluster asks for), else the explaining run's own. Bars events inserts
 * are left out (append-only, batched off the hot path).
 */
export const explainHotQueries = async (sql: Sql, as: ExplainAs): Promise<ExplainedStatement[]> => {
  const sample = await readExplainSamples(sql);
  const runId = sample.runId ?? as.runId;
  const owner = `${as.instanceId}/${as.bootId}`;
  const holder: LeaseHolder = {
    jobId: sample.jobId ?? "1",
    owner,
    attempt: 1,
    instanceId: as.instanceId,
    bootId: as.bootId,
    worker: `${owner}/w1`,
    runId,
  };
  const hot: readonly (readonly [string, (sql: Sql) => Promise<unknown>])[] = [
    // the job worker: claim, heartbeat, completion, failure, graceful release, sweeper
    [
      "claimJobs",
      (s) =>
        claimJobs(s, {
          owner,
          instanceId: as.instanceId,
          bootId: as.bootId,
          worker: holder.worker,
          leaseMs: as.leaseMs,
          limit: as.claimBatch,
        }),
    ],
    ["heartbeatJob", (s) => heartbeatJob(s, holder, as.leaseMs)],
    ["completeJob", (s) => completeJob(s, holder, { trades: 12, pnl: 1250.5 })],
    [
      "failJobAttempt",
      (s) => failJobAttempt(s, holder, { error: "upstream 503", retryAfterMs: 1000 }),
    ],
    ["releaseJob", (s) => releaseJob(s, holder, "shutdown")],
    ["sweepExhaustedJobs", (s) => sweepExhaustedJobs(s)],
    // backtest creation (capped enqueue) and reads
    [
      "enqueueCappedJobs",
      (s) =>
        enqueueCappedJobs(
          s,
          [
            {
              payload: { symbol: "ES", tf: "1m", fast: 5, slow: 30 },
              runId,
              maxAttempts: 3,
              idempotencyKey: `${runId}:explain`,
            },
          ],
          as.queueCap,
        ),
    ],
    ["countPendingJobs", (s) => countPendingJobs(s)],
    ["getJob", (s) => getJob(s, holder.jobId)],
    // the runner's evidence reads
    ["jobHistory", (s) => jobHistory(s, runId)],
    [
      "countBarsRequestEvents",
      (s) => countBarsRequestEvents(s, runId, sample.cacheKey ?? "bars:x"),
    ],
    ["listMemorySamples", (s) => listMemorySamples(s, runId)],
    ["summariseScaleTestEvents", (s) => summariseScaleTestEvents(s, runId)],
    // run status and the runner's lease and progress
    ["currentScaleTestRun", (s) => currentScaleTestRun(s)],
    ["activeScaleTestRun", (s) => activeScaleTestRun(s)],
    ["getScaleTestRun", (s) => getScaleTestRun(s, runId)],
    ["listScaleTestRuns", (s) => listScaleTestRuns(s, { limit: 20 })],
    ["renewScaleTestRunLease", (s) => renewScaleTestRunLease(s, runId, as.bootId, 15_000)],
    [
      "updateScaleTestRunProgress",
      (s) =>
        updateScaleTestRunProgress(s, runId, as.bootId, {
          progress: 0.5,
          currentStep: "explain",
          checks: [],
          metrics: {},
        }),
    ],
  ];
  const out: ExplainedStatement[] = [];
  for (const [name, run] of hot) out.push(...(await explainQuery(sql, name, run)));
  return out;
};
