import type { Sql } from "../client.ts";
import type { JobRow } from "./jobRow.ts";

export const getJob = async (sql: Sql, id: string): Promise<JobRow | null> => {
  const [row] = await sql<JobRow[]>`select *, id::text as id from jobs where id = ${id}`;
  return row ?? null;
};
