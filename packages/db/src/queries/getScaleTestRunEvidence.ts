import type { Sql } from "../client.ts";

/** The evidence a run was judged from (parsed JSON), or null: none recorded (aborted, or older than migration 00021). */
export const getScaleTestRunEvidence = async (sql: Sql, runId: string): Promise<unknown> => {
  const [row] = await sql<{ evidence: unknown }[]>`
    select evidence from scale_test_run_evidence where run_id = ${runId}`;
  return row?.evidence ?? null;
};
