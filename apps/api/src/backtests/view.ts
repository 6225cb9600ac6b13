import type { JobRow } from "@scaleproof/db/queries/jobRow";

/** A backtest job as the API shows it; the scale-test run it belongs to only to admins. */
export const toJobView = (row: JobRow, admin: boolean) => ({
  id: row.id,
  status: row.status,
  ...(admin ? { runId: row.run_id } : {}),
  params: row.payload,
  attempts: row.attempt_count,
  maxAttempts: row.max_attempts,
  leaseOwner: row.lease_owner,
  leaseExpiresAt: row.lease_expires_at?.toISOString() ?? null,
  result: row.result,
  lastError: row.last_error,
  createdAt: row.created_at.toISOString(),
  completedAt: row.completed_at?.toISOString() ?? null,
});
export type JobView = ReturnType<typeof toJobView>;
