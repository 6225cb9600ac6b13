import { enqueueCappedJobs } from "@scaleproof/db/queries/enqueueCappedJobs";
import type { z } from "zod";
import type { InstanceDeps } from "../deps.ts";
import { QueueFull } from "../workers/errors.ts";
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
  const cap = deps.env.QUEUE_MAX_PENDING;
  const enqueued = await enqueueCappedJobs(
    deps.sql,
    [{ payload, runId: runId ?? null, maxAttempts, idempotencyKey }],
    cap,
  );
  if (enqueued.full) {
    const retryAfterSec = deps.env.QUEUE_FULL_RETRY_AFTER_S;
    throw new QueueFull({ pending: enqueued.pending, cap, retryAfterSec });
  }
  const [job] = enqueued.jobs;
  if (!job) throw new Error("enqueue answered nothing for one job");
  if (!job.samePayload && idempotencyKey) {
    throw new IdempotencyConflict({ idempotencyKey, jobId: job.id });
  }
  return job.id;
};
