import type { Sql } from "../client.ts";

/**
 * Extends the runner's lease, fenced by its boot id: `null` means the lease is lost
 * (the run was ended elsewhere, e.g. aborted after it expired), so the runner must stop.
 * `lapsed` says the lease had already expired when this renewal landed (the runner was
 * cut off longer than its lease, and the reapers spared it): its evidence has a hole.
 */
export const renewScaleTestRunLease = async (
  sql: Sql,
  id: string,
  runnerBootId: string,
  leaseMs: number,
): Promise<{ cancelRequested: boolean; lapsed: boolean } | null> => {
  const [row] = await sql<{ cancel_requested: boolean; lapsed: boolean }[]>`
    update scale_test_runs r
       set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
      from (select id, lease_expires_at from scale_test_runs where id = ${id}) before
     where r.id = before.id and r.runner_boot_id = ${runnerBootId} and r.status = 'running'
    returning r.cancel_requested, coalesce(before.lease_expires_at < now(), false) as lapsed`;
  return row ? { cancelRequested: row.cancel_requested, lapsed: row.lapsed } : null;
};
