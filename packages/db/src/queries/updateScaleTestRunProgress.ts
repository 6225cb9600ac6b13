import type { Sql } from "../client.ts";

export interface RunProgress {
  readonly progress: number;
  readonly currentStep: string | null;
  readonly checks: readonly unknown[];
  readonly metrics: Record<string, unknown>;
}

/** Interim state for status readers; fenced like the lease, so a stale runner writes nothing. */
export const updateScaleTestRunProgress = async (
  sql: Sql,
  id: string,
  runnerBootId: string,
  p: RunProgress,
): Promise<boolean> => {
  const rows = await sql`
    update scale_test_runs
       set progress = ${p.progress}, current_step = ${p.currentStep},
           checks = ${sql.json(p.checks as never)}, metrics = ${sql.json(p.metrics as never)},
           updated_at = now()
     where id = ${id} and runner_boot_id = ${runnerBootId} and status = 'running'`;
  return rows.count === 1;
};
