import type { Sql } from "../client.ts";

export interface RunEnding {
  readonly status: "passed" | "failed" | "aborted";
  readonly verdict: "PASS" | "RISK" | "FAIL" | null;
  readonly checks: readonly unknown[];
  readonly metrics: Record<string, unknown>;
  readonly reason: string | null;
}

/**
 * Ends a run, fenced by the runner's boot id: false when it was already ended elsewhere.
 * A runner that was alive but cut off (its lease expired while the database was down,
 * and the reaper ended the run with its guess) replaces that guess with the true ending.
 */
export const finishScaleTestRun = async (
  sql: Sql,
  id: string,
  runnerBootId: string,
  end: RunEnding,
): Promise<boolean> => {
  const rows = await sql`
    update scale_test_runs
       set status = ${end.status}, verdict = ${end.verdict},
           checks = ${sql.json(end.checks as never)}, metrics = ${sql.json(end.metrics as never)},
           reason = ${end.reason}, progress = case when ${end.status} = 'aborted' then progress else 1 end,
           lease_expires_at = null, finished_at = now(), updated_at = now()
     where id = ${id} and runner_boot_id = ${runnerBootId}
       and (status = 'running'
            or (status = 'aborted' and verdict is null and reason like '% stopped renewing its lease%'))`;
  return rows.count === 1;
};
