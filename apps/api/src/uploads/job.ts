import { LeaseConflict } from "@scaleproof/core/jobs/errors";
import type { ClaimedJob } from "@scaleproof/db/queries/claimJobs";
import { completeJob } from "@scaleproof/db/queries/completeJob";
import { getUpload } from "@scaleproof/db/queries/getUpload";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";
import type { InstanceDeps } from "../deps.ts";
import { BarCounter } from "./barCount.ts";
import { verifyUpload } from "./verify.ts";

export { UPLOAD_JOB_KIND } from "@scaleproof/db/queries/finalizeUpload";

/**
 * The `upload-process` job, run by the worker under its lease (heartbeats, fenced
 * completion): verifies the upload again (size, sha256, every chunk, streamed from
 * Postgres) and, for a Databento file (CSV, DBN, zstd DBN), decodes it and counts its
 * bars. What it finds is the job's result, bad bytes included (`verified: false` with
 * the problems): only an infrastructure failure fails the attempt (and is retried).
 */
export const runUploadJob = async (
  deps: InstanceDeps,
  job: ClaimedJob,
  h: LeaseHolder,
  o: {
    readonly signal: AbortSignal;
    readonly leaseLost: () => boolean;
    /** Called as the attempt begins to complete: a heartbeat finding the lease gone after this is not a loss. */
    readonly settling: () => void;
    readonly fenced: boolean;
  },
): Promise<void> => {
  const { sql, log } = deps;
  const uploadId = String(job.payload.uploadId);
  const upload = await getUpload(sql, uploadId);
  if (!upload) throw new Error(`upload ${uploadId} does not exist`);
  const bars = new BarCounter();
  const verified = await verifyUpload(
    sql,
    { id: uploadId, size: Number(upload.declared_size), sha256: upload.declared_sha256 },
    { onBytes: (b) => bars.push(b), signal: o.signal },
  );
  const ok = verified.problems.length === 0;
  const marketData = await bars.finish(); // also ends a zstd decoder still open
  const result = {
    uploadId,
    verified: ok,
    problems: verified.problems,
    bytes: verified.bytes,
    chunks: verified.chunks,
    sha256: verified.sha256,
    marketData: ok ? marketData : null,
  };
  if (o.leaseLost()) return;
  o.settling();
  if (!(await completeJob(sql, h, result, { fenced: o.fenced }))) {
    throw new LeaseConflict({ jobId: h.jobId, attempt: h.attempt, owner: h.owner });
  }
  log.info(
    {
      event: "job_finish",
      jobId: job.id,
      attempt: job.attempt_count,
      uploadId,
      verified: ok,
      bars: result.marketData?.bars,
    },
    "upload processed",
  );
};
