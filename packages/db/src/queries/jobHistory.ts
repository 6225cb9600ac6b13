import type { Sql } from "../client.ts";

export interface JobHistoryEvent {
  readonly job_id: string;
  readonly attempt: number;
  readonly kind: "start" | "finish" | "lease_lost" | "completion_rejected" | "failed" | "released";
  readonly instance_id: string;
  readonly boot_id: string;
  readonly worker: string;
  readonly at: Date;
  readonly previous_lease_expires_at: Date | null;
}

/** One run's jobs and every execution event, in order, for the history checker. */
export const jobHistory = async (sql: Sql, runId: string) => {
  const jobs = await sql<
    { id: string; status: "queued" | "running" | "completed" | "failed"; attempt_count: number }[]
  >`
    select id::text, status, attempt_count from jobs where run_id = ${runId} order by id`;
  const events = await sql<JobHistoryEvent[]>`
    select job_id::text, attempt, kind, instance_id, boot_id, worker, at, previous_lease_expires_at
      from job_execution_events where run_id = ${runId} order by id`;
  return { jobs, events };
};
