import type { Sql } from "../client.ts";

export interface NewJob {
  readonly payload: Record<string, unknown>;
  readonly runId: string | null;
  readonly maxAttempts: number;
}

export const JOBS_CHANNEL = "jobs_ready";

/** Inserts jobs and wakes every listening instance (NOTIFY is sent at commit). */
export const enqueueJobs = async (sql: Sql, jobs: readonly NewJob[]): Promise<string[]> => {
  if (jobs.length === 0) return [];
  const rows = jobs.map((j) => ({
    payload: sql.json(j.payload as never),
    run_id: j.runId,
    max_attempts: j.maxAttempts,
  }));
  return await sql.begin(async (tx) => {
    const ids = await tx<{ id: string }[]>`insert into jobs ${tx(rows)} returning id::text`;
    await tx`select pg_notify(${JOBS_CHANNEL}, ${String(ids.length)})`;
    return ids.map((r) => r.id);
  });
};
