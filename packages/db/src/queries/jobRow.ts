/** A `jobs` row as postgres.js returns it (bigint id as text, jsonb parsed). */
export interface JobRow {
  readonly id: string;
  readonly kind: string;
  readonly run_id: string | null;
  readonly payload: Record<string, unknown>;
  readonly status: "queued" | "running" | "completed" | "failed";
  readonly lease_owner: string | null;
  readonly lease_expires_at: Date | null;
  readonly attempt_count: number;
  readonly max_attempts: number;
  readonly result: Record<string, unknown> | null;
  readonly last_error: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly completed_at: Date | null;
}

/** Who holds a lease: instance, boot and worker, and which attempt it is (the fence). */
export interface LeaseHolder {
  readonly jobId: string;
  readonly owner: string;
  readonly attempt: number;
  readonly instanceId: string;
  readonly bootId: string;
  readonly worker: string;
  readonly runId: string | null;
}
