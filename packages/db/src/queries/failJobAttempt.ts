import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

export interface AttemptFailure {
  readonly error: string;
  /** The job can never succeed (bad input, data that does not exist): fail it now. */
  readonly final?: boolean;
  /** How long the job waits before it is claimable again (its retry backoff). */
  readonly retryAfterMs?: number;
}

/**
 * This attempt failed: the job goes back to the queue, claimable after its backoff, or
 * to `failed` when its attempts are spent or the failure is final. Fenced like completion.
 */
export const failJobAttempt = async (
  sql: Sql,
  h: LeaseHolder,
  f: AttemptFailure,
): Promise<boolean> =>
  await sql.begin(async (tx) => {
    const final = f.final === true;
    const rows = await tx`
      update jobs
         set status = case when ${final} or attempt_count >= max_attempts then 'failed' else 'queued' end,
             lease_expires_at = now(),
             run_after = now() + ${f.retryAfterMs ?? 0} * interval '1 millisecond',
             last_error = ${f.error}, updated_at = now()
       where id = ${h.jobId} and status = 'running' and lease_owner = ${h.owner}
         and attempt_count = ${h.attempt}`;
    if (rows.count === 1) {
      await tx`
        insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
        values (${h.jobId}, ${h.runId}, ${h.attempt}, 'failed', ${h.instanceId}, ${h.bootId},
                ${h.worker}, ${tx.json({ error: f.error, final } as never)})`;
    }
    return rows.count === 1;
  });
