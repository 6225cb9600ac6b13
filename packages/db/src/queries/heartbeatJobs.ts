import type { Sql } from "../client.ts";

/** One lease an owner holds: the job and the attempt it claimed (the per-row fence). */
export interface HeldLease {
  readonly jobId: string;
  readonly attempt: number;
}

/**
 * Extends every lease one owner holds in one statement, each row fenced like
 * `heartbeatJob` by (id, running, owner, attempt). Answers the job ids whose lease was
 * extended: a held lease missing from the answer is lost (another worker owns the job).
 */
export const heartbeatJobs = async (
  sql: Sql,
  owner: string,
  leases: readonly HeldLease[],
  leaseMs: number,
): Promise<Set<string>> => {
  if (leases.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    update jobs j
       set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
      from unnest(${leases.map((l) => l.jobId)}::bigint[], ${leases.map((l) => l.attempt)}::int[])
           as h(id, attempt)
     where j.id = h.id and j.id = any (${leases.map((l) => l.jobId)}::bigint[]) and j.status = 'running' and j.lease_owner = ${owner}
       and j.attempt_count = h.attempt
    returning j.id::text as id`;
  return new Set(rows.map((r) => r.id));
};
