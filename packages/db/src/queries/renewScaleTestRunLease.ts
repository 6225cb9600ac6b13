import type { Sql } from "../client.ts";

/**
 * Extends the runner's lease, fenced by its boot id: `null` means the lease is lost
 * (the run was ended elsewhere, e.g. aborted after it expired), so the runner must stop.
 */
export const renewScaleTestRunLease = async (
  sql: Sql,
  id: string,
  runnerBootId: string,
  leaseMs: number,
): Promise<{ cancelRequested: boolean } | null> => {
  const [row] = await sql<{ cancel_requested: boolean }[]>`
    update scale_test_runs
       set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
     where id = ${id} and runner_boot_id = ${runnerBootId} and status = 'running'
    returning cancel_requested`;
  return row ? { cancelRequested: row.cancel_requested } : null;
};
