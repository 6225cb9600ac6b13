import type { Sql } from "../client.ts";
import type { ScaleTestRunRow } from "./scaleTestRunRow.ts";

export interface NewScaleTestRun {
  readonly id: string;
  readonly profile: string;
  readonly params: Record<string, unknown>;
  readonly targetUrl: string;
  readonly runnerInstanceId: string;
  readonly runnerBootId: string;
  readonly runnerVersion: string;
  readonly leaseMs: number;
}

/**
 * Starts a run, already `running` under the caller's lease. Throws a unique violation
 * (see `isUniqueViolation`) when another run is active anywhere in the cluster.
 */
export const insertScaleTestRun = async (
  sql: Sql,
  run: NewScaleTestRun,
): Promise<ScaleTestRunRow> => {
  const [row] = await sql<ScaleTestRunRow[]>`
    insert into scale_test_runs
      (id, profile, params, status, target_url, runner_instance_id, runner_boot_id,
       runner_version, lease_expires_at, started_at)
    values
      (${run.id}, ${run.profile}, ${sql.json(run.params as never)}, 'running', ${run.targetUrl},
       ${run.runnerInstanceId}, ${run.runnerBootId}, ${run.runnerVersion},
       now() + ${run.leaseMs} * interval '1 millisecond', now())
    returning *`;
  if (!row) throw new Error("insert returned no row");
  return row;
};
