import type { Sql } from "../client.ts";
import type { ScaleTestRunRow } from "./scaleTestRunRow.ts";

/** The active run if there is one, else the most recent run (null before the first). */
export const currentScaleTestRun = async (sql: Sql): Promise<ScaleTestRunRow | null> => {
  const [row] = await sql<ScaleTestRunRow[]>`
    select * from scale_test_runs
     order by (status in ('queued', 'running')) desc, created_at desc, id desc
     limit 1`;
  return row ?? null;
};
