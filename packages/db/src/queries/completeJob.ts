import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

/**
 * Completion and result in one transaction, fenced by (id, running, owner, attempt).
 * Accepted: the result is stored and a `finish` event written. Fenced off (a zombie):
 * nothing is stored and a `completion_rejected` event says so. `fenced: false` is the
 * jobs-no-lease FAULT (completes whatever the lease says).
 */
export const completeJob = async (
  sql: Sql,
  h: LeaseHolder,
  result: Record<string, unknown>,
  options: { fenced?: boolean } = {},
): Promise<boolean> =>
  await sql.begin(async (tx) => {
    const fence =
      options.fenced === false
        ? tx``
        : tx`and status = 'running' and lease_owner = ${h.owner} and attempt_count = ${h.attempt}`;
    const rows = await tx`
      update jobs set status = 'completed', result = ${tx.json(result as never)},
             lease_expires_at = null, completed_at = now(), updated_at = now()
       where id = ${h.jobId} ${fence}`;
    const accepted = rows.count === 1;
    await tx`
      insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
      values (${h.jobId}, ${h.runId}, ${h.attempt}, ${accepted ? "finish" : "completion_rejected"},
              ${h.instanceId}, ${h.bootId}, ${h.worker},
              ${tx.json((accepted ? { trades: result.trades ?? null } : { owner: h.owner }) as never)})`;
    return accepted;
  });
