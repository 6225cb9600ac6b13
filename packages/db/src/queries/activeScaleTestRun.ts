import type { Sql } from "../client.ts";

/** The running run's id and whether it is quick (instances sample faster then), or null. */
export const activeScaleTestRun = async (
  sql: Sql,
): Promise<{ id: string; quick: boolean } | null> => {
  const [row] = await sql<{ id: string; quick: boolean | null }[]>`
    select id, (params->>'quick')::boolean as quick from scale_test_runs
     where status = 'running' limit 1`;
  return row ? { id: row.id, quick: row.quick === true } : null;
};
