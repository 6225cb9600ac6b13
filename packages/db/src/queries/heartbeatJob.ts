import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

/** Extends the lease, fenced by (id, running, owner, attempt): false = the lease is lost. */
export const heartbeatJob = async (sql: Sql, h: LeaseHolder, leaseMs: number): Promise<boolean> => {
  const rows = await sql`
    update jobs set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
     where id = ${h.jobId} and status = 'running' and lease_owner = ${h.owner}
       and attempt_count = ${h.attempt}`;
  return rows.count === 1;
};
