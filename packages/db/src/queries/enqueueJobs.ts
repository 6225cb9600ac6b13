import type { Sql } from "../client.ts";

export interface NewJob {
  readonly payload: Record<string, unknown>;
  readonly runId: string | null;
  readonly maxAttempts: number;
  /** Same key, same job: a retried enqueue never creates a second one. */
  readonly idempotencyKey?: string | undefined;
}

export const JOBS_CHANNEL = "jobs_ready";

/**
 * Inserts jobs (ids in input order; a known idempotency key returns its existing job)
 * and wakes every listening instance (NOTIFY is delivered at commit).
 */
export const enqueueJobs = async (sql: Sql, jobs: readonly NewJob[]): Promise<string[]> => {
  if (jobs.length === 0) return [];
  return await sql.begin(async (tx) => {
    const ids: string[] = [];
    for (const j of jobs) {
      const [row] = await tx<{ id: string }[]>`
        with inserted as (
          insert into jobs (payload, run_id, max_attempts, idempotency_key)
          values (${tx.json(j.payload as never)}, ${j.runId}, ${j.maxAttempts}, ${j.idempotencyKey ?? null})
          on conflict (idempotency_key) where idempotency_key is not null do nothing
          returning id
        )
        select id::text from inserted
        union all
        select id::text from jobs where idempotency_key = ${j.idempotencyKey ?? null}
        limit 1`;
      if (!row) throw new Error("enqueue returned no id");
      ids.push(row.id);
    }
    await tx`select pg_notify(${JOBS_CHANNEL}, ${String(ids.length)})`;
    return ids;
  });
};
