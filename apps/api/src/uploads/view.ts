import type { UploadRow } from "@scaleproof/db/queries/uploadRow";

/** An upload as the API shows it (no run id: run ids stay out of public records). */
export const toUploadView = (u: UploadRow) => ({
  id: u.id,
  filename: u.filename,
  contentType: u.content_type,
  size: Number(u.declared_size),
  sha256: u.declared_sha256,
  status: u.status,
  chunks: { count: u.chunk_count, bytes: Number(u.stored_bytes) },
  createdAt: u.created_at.toISOString(),
  finalizedAt: u.finalized_at?.toISOString() ?? null,
  job: u.job_id
    ? { id: u.job_id, status: u.job_status, result: u.job_result, lastError: u.job_last_error }
    : null,
});
