import type { Sql } from "../client.ts";

/** Stores the evidence a run's verdict was judged from (once: a second write replaces it). */
export const saveScaleTestRunEvidence = async (
  sql: Sql,
  runId: string,
  evidence: unknown,
): Promise<void> => {
  await sql`
    insert into scale_test_run_evidence (run_id, evidence)
    values (${runId}, ${sql.json(evidence as never)})
    on conflict (run_id) do update set evidence = excluded.evidence, created_at = now()`;
};
