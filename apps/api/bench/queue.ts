import { benchQueueThroughput } from "./jobs.ts";
import { printRates } from "./stats.ts";

/** The job-queue block of `pnpm bench`, runnable alone: `node apps/api/bench/queue.ts`. */
export const QUEUE_ANCHOR = "graphile-worker 0.18 local queue + batch, 2 x 24";
export const QUEUE_PLAIN = "graphile-worker 0.18 plain, 2 x 24";

export const printQueueThroughput = async (jobs: number): Promise<void> =>
  printRates(
    "Job queue, no-op jobs, 2 worker processes, same Postgres (claim, heartbeat, fenced complete, history)",
    await benchQueueThroughput(jobs),
    QUEUE_ANCHOR,
    QUEUE_PLAIN,
  );

if (import.meta.main) await printQueueThroughput(Number(process.argv[2] ?? 20_000));
