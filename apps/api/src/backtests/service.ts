import { enqueueJobs } from "@scaleproof/db/queries/enqueueJobs";
import type { z } from "zod";
import type { InstanceDeps } from "../deps.ts";
import { IdempotencyConflict } from "./errors.ts";
import type { backtestInput } from "./input.ts";

/** Enqueues one backtest; any instance's worker may run it. Returns the job id. */
export const enqueueBacktest = async (
  deps: InstanceDeps,
  input: z.output<typeof backtestInput>,
  runId: string | undefined,
): Promise<string> => {
  const { maxAttempts, idempotencyKey, ...rest } = input;
  const payload = {
    ...rest,
    start: new Date(Number(input.start / 1_000_000n)).toISOString(),
    end: new Date(Number(input.end / 1_000_000n)).toISOString(),
  };
  const [job] = await enqueueJobs(deps.sql, [
    { payload, runId: runId ?? null, maxAttempts, idempotencyKey },
  ]);
  if (!job) throw new Error("enqueue answered nothing for one job");
  if (!job.samePayload && idempotencyKey) {
    throw new IdempotencyConflict({ idempotencyKey, jobId: job.id });
  }
  return job.id;
};
