/** An `uploads` row with its chunk totals and its processing job, as getUpload reads it. */
export interface UploadRow {
  readonly id: string;
  readonly filename: string;
  readonly content_type: string;
  readonly declared_size: bigint;
  readonly declared_sha256: string;
  readonly status: "open" | "finalized";
  readonly job_id: string | null;
  readonly run_id: string | null;
  readonly created_at: Date;
  readonly finalized_at: Date | null;
  readonly chunk_count: number;
  readonly stored_bytes: bigint;
  readonly job_status: "queued" | "running" | "completed" | "failed" | null;
  readonly job_result: Record<string, unknown> | null;
  readonly job_last_error: string | null;
}
