import type { Sql } from "../client.ts";
import { countPendingJobs } from "./countPendingJobs.ts";
import { type EnqueuedJob, insertJobs, type NewJob } from "./enqueueJobs.ts";
import { lockJobQueue } from "./lockJobQueue.ts";

export type CappedEnqueue =
  | { readonly full: false; readonly jobs: EnqueuedJob[] }
  | { readonly full: true; readonly pending: number };

/**
 * enqueueJobs under the cluster-wide cap on pending jobs: behind the queue gate (one
 * capped enqueuer at a time, cluster-wide), count queued + running and insert only if the
 * new jobs fit, in one transaction. A retry whose idempotency key already names a job
 * adds nothing, so it is answered even when the queue is full.
 */
export const enqueueCappedJobs = async (
  sql: Sql,
  jobs: readonly NewJob[],
  cap: number,
): Promise<CappedEnqueue> =>
  await sql.begin(async (tx) => {
    await lockJobQueue(tx);
    const keys = jobs.flatMap((j) => (j.idempotencyKey ? [j.idempotencyKey] : []));
    const known =
      keys.length === 0
        ? new Set<string>()
        : new Set(
            (
              await tx<{ key: string }[]>`
                select idempotency_key as key from jobs where idempotency_key = any(${keys})`
            ).map((r) => r.key),
          );
    const fresh = jobs.filter((j) => !j.idempotencyKey || !known.has(j.idempotencyKey)).length;
    if (fresh > 0) {
      const pending = await countPendingJobs(tx);
      if (pending + fresh > cap) return { full: true as const, pending };
    }
    return { full: false as const, jobs: await insertJobs(tx, jobs) };
  });
