import type { Sql } from "../client.ts";
import type { JobRow } from "./jobRow.ts";

/** Newest first, optionally one run's jobs. */
export const listJobs = async (
  sql: Sql,
  o: { runId?: string | undefined; limit: number },
): Promise<JobRow[]> => {
  const where = o.runId === undefined ? sql`` : sql`where run_id = ${o.runId}`;
  return await sql<JobRow[]>`
    select *, id::text as id from jobs ${where} order by jobs.id desc limit ${o.limit}`;
};
