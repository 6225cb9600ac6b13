import type { TransactionSql } from "postgres";
import type { Sql } from "../client.ts";

/** Jobs waiting or being worked on (queued + running), every kind: what the queue cap counts. */
export const countPendingJobs = async (sql: Sql | TransactionSql): Promise<number> => {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from jobs where not finished`;
  return row?.n ?? 0;
};
