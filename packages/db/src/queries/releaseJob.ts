import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

/**
 * A worker stopping gracefully hands its lease back at once: the job is queued again,
 * claimable now, and the attempt it was on is given back (max_attempts + 1), so a
 * graceful stop never uses up an attempt. Fenced like completion; writes a `released`
 * event in the same transaction.
 */
export const releaseJob = async (sql: Sql, h: LeaseHolder, reason: string): Promise<boolean> =>
  await sql.begin(async (tx) => {
    const rows = await tx`
      update jobs
         set status = 'queued', lease_expires_at = now(), run_after = now(),
             max_attempts = max_attempts + 1, updated_at = now()
       where id = ${h.jobId} and status = 'running' and lease_owner = ${h.owner}
         and attempt_count = ${h.attempt}`;
    if (rows.count === 1) {
      await tx`
        insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
        values (${h.jobId}, ${h.runId}, ${h.attempt}, 'released', ${h.instanceId}, ${h.bootId},
                ${h.worker}, ${tx.json({ reason } as never)})`;
    }
    return rows.count === 1;
  });
