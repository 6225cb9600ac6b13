import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

/**
 * This attempt failed (bad bars, a bug): the job goes back to the queue with its lease
 * ended now, or to `failed` when its attempts are spent. Fenced like completion.
 */
export const failJobAttempt = async (sql: Sql, h: LeaseHolder, error: string): Promise<boolean> =>
  await sql.begin(async (tx) => {
    const rows = await tx`
      update jobs
         set status = case when attempt_count >= max_attempts then 'failed' else 'queued' end,
             lease_expires_at = now(), last_error = ${error}, updated_at = now()
       where id = ${h.jobId} and status = 'running' and lease_owner = ${h.owner}
         and attempt_count = ${h.attempt}`;
    if (rows.count === 1) {
      await tx`
        insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
        values (${h.jobId}, ${h.runId}, ${h.attempt}, 'failed', ${h.instanceId}, ${h.bootId},
                ${h.worker}, ${tx.json({ error } as never)})`;
    }
    return rows.count === 1;
  });
