import type { Sql } from "../client.ts";
import { countPendingJobs } from "./countPendingJobs.ts";
import { insertJobs } from "./enqueueJobs.ts";
import { lockJobQueue } from "./lockJobQueue.ts";

export const UPLOAD_JOB_KIND = "upload-process";

export interface Finalize {
  readonly uploadId: string;
  /** What the caller verified (sha256 and size over these chunks): the chunk set must still be it. */
  readonly chunks: number;
  readonly bytes: number;
  /** The cluster-wide cap on pending jobs. */
  readonly cap: number;
  readonly runId: string | null;
  readonly maxAttempts: number;
}

export type FinalizeOutcome =
  | { readonly kind: "enqueued"; readonly jobId: string }
  /** Finalized before (by this caller's earlier try or another caller): the same job. */
  | { readonly kind: "already"; readonly jobId: string }
  | { readonly kind: "queue-full"; readonly pending: number }
  /** Chunks were added since the caller verified them: verify again. */
  | { readonly kind: "changed" }
  | { readonly kind: "missing" };

/**
 * Marks a verified upload finalized and enqueues its processing job, in one SERIALIZABLE
 * transaction behind the queue gate (the cap). Concurrent finalizes of one upload either
 * wait at the gate and then see it finalized, or fail with 40001 and are retried by the
 * caller: exactly one job, and every caller learns its id. The job's idempotency key
 * (`upload:<id>`) makes a second job for one upload impossible even outside this path.
 */
export const finalizeUpload = async (sql: Sql, f: Finalize): Promise<FinalizeOutcome> =>
  await sql.begin("isolation level serializable", async (tx): Promise<FinalizeOutcome> => {
    await lockJobQueue(tx);
    const [upload] = await tx<{ status: string; job_id: string | null }[]>`
      select status, job_id::text from uploads where id = ${f.uploadId}`;
    if (!upload) return { kind: "missing" };
    if (upload.status === "finalized" && upload.job_id) {
      return { kind: "already", jobId: upload.job_id };
    }
    const [held] = await tx<{ chunks: number; bytes: bigint }[]>`
      select count(*)::int as chunks, coalesce(sum(size), 0)::bigint as bytes
        from upload_chunks where upload_id = ${f.uploadId}`;
    if (held?.chunks !== f.chunks || Number(held.bytes) !== f.bytes) return { kind: "changed" };
    const pending = await countPendingJobs(tx);
    if (pending >= f.cap) return { kind: "queue-full", pending };
    const [job] = await insertJobs(tx, [
      {
        kind: UPLOAD_JOB_KIND,
        payload: { uploadId: f.uploadId },
        runId: f.runId,
        maxAttempts: f.maxAttempts,
        idempotencyKey: `upload:${f.uploadId}`,
      },
    ]);
    if (!job) throw new Error("insertJobs answered nothing for one job");
    const done = await tx`
      update uploads set status = 'finalized', job_id = ${job.id}, finalized_at = now(),
                         updated_at = now()
       where id = ${f.uploadId} and status = 'open'`;
    if (done.count !== 1) throw new Error(`upload ${f.uploadId} changed state inside finalize`);
    return { kind: "enqueued", jobId: job.id };
  });
