import type { Sql } from "../client.ts";

/**
 * Ends every run whose runner stopped renewing its lease (its instance died or hung),
 * with the reason. Any instance may call this; the condition is re-checked inside the
 * UPDATE, so a runner that renewed in the meantime keeps its run. Runs in `spare` are
 * left alone: their runner is known to be alive (cut off from Postgres, it will record
 * the run's true end itself).
 */
export const abortExpiredScaleTestRuns = async (
  sql: Sql,
  spare: readonly string[] = [],
): Promise<{ id: string; runnerInstanceId: string }[]> => {
  const rows = await sql<{ id: string; runner_instance_id: string }[]>`
    update scale_test_runs
       set status = 'aborted',
           reason = 'runner ' || runner_instance_id || ' (boot ' || runner_boot_id ||
                    ') stopped renewing its lease; it expired at ' ||
                    to_char(lease_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           finished_at = now(), updated_at = now(), lease_expires_at = null
     where status in ('queued', 'running') and lease_expires_at < now()
       and not (id = any(${spare as string[]}::text[]))
    returning id, runner_instance_id`;
  return rows.map((r) => ({ id: r.id, runnerInstanceId: r.runner_instance_id }));
};
