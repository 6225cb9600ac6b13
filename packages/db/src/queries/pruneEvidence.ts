import type postgres from "postgres";
import type { Sql } from "../client.ts";

/** The evidence tables the pruner keeps bounded; each has `id`, `at` and `run_id`. */
export const EVIDENCE_TABLES = [
  "bars_request_events",
  "scale_test_events",
  "memory_samples",
  "job_execution_events",
] as const;
export type EvidenceTable = (typeof EVIDENCE_TABLES)[number];

export interface PruneOptions {
  /** Rows older than this go (those of an active run never do). */
  readonly before: Date;
  /** At most this many rows of ended runs stay per table (the newest). */
  readonly maxRows: number;
  /** Rows deleted per statement, so no delete holds its locks for long. */
  readonly batch: number;
}

/**
 * Deletes old evidence in batches, by age and then by row cap, oldest first; rows that
 * belong to an active (queued or running) run are never deleted. Returns the rows
 * deleted per table.
 */
export const pruneEvidence = async (
  sql: Sql | postgres.TransactionSql,
  o: PruneOptions,
): Promise<Record<EvidenceTable, number>> => {
  const out = {} as Record<EvidenceTable, number>;
  for (const table of EVIDENCE_TABLES) {
    const t = sql(table);
    const active = sql`(run_id is null or run_id not in (
      select id from scale_test_runs where status in ('queued', 'running')))`;
    const [cap] = await sql<{ id: string }[]>`
      select id::text as id from ${t} where ${active} order by id desc offset ${o.maxRows} limit 1`;
    const capId = cap?.id ?? "0";
    let deleted = 0;
    for (;;) {
      const rows = await sql`
        delete from ${t} where id in (
          select id from ${t}
           where (at < ${o.before} or id <= ${capId}) and ${active}
           order by id limit ${o.batch})`;
      deleted += rows.count;
      if (rows.count < o.batch) break;
    }
    out[table] = deleted;
  }
  return out;
};
