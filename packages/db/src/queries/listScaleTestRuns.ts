import type { Sql } from "../client.ts";
import type { ScaleTestRunRow } from "./scaleTestRunRow.ts";

/** Newest first. */
export const listScaleTestRuns = async (
  sql: Sql,
  options: { limit: number; profile?: string | undefined },
): Promise<ScaleTestRunRow[]> => {
  const profile = options.profile === undefined ? sql`` : sql`where profile = ${options.profile}`;
  return await sql<ScaleTestRunRow[]>`
    select * from scale_test_runs ${profile}
     order by created_at desc, id desc
     limit ${options.limit}`;
};
