import type { Sql } from "../client.ts";

/** Active runs whose lease has expired, with the runner (boot) that held it. */
export const expiredScaleTestRuns = async (
  sql: Sql,
): Promise<{ id: string; runnerBootId: string }[]> => {
  const rows = await sql<{ id: string; runner_boot_id: string }[]>`
    select id, runner_boot_id from scale_test_runs
     where status in ('queued', 'running') and lease_expires_at < now()`;
  return rows.map((r) => ({ id: r.id, runnerBootId: r.runner_boot_id }));
};
