import type { Sql } from "../client.ts";

export interface ExplainSamples {
  readonly jobId: string | null;
  readonly runId: string | null;
  readonly cacheKey: string | null;
}

/** The newest job, run and cached key: realistic parameters for explaining hot queries. */
export const readExplainSamples = async (sql: Sql): Promise<ExplainSamples> => {
  const [row] = await sql<
    { job_id: string | null; run_id: string | null; cache_key: string | null }[]
  >`
    select (select id::text from jobs order by id desc limit 1) as job_id,
           (select id from scale_test_runs order by created_at desc limit 1) as run_id,
           (select cache_key from bars_request_events order by id desc limit 1) as cache_key`;
  return {
    jobId: row?.job_id ?? null,
    runId: row?.run_id ?? null,
    cacheKey: row?.cache_key ?? null,
  };
};
