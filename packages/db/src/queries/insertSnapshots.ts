import type { TransactionSql } from "postgres";
import type { Sql } from "../client.ts";

export interface SnapshotRow {
  readonly id: string;
  readonly instrument: string;
  /** ISO 8601. */
  readonly barTime: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly producer: Record<string, unknown>;
  /** sha256 hex of the canonical encoding. */
  readonly contentHash: string;
  readonly runId: string | null;
}

/**
 * One statement for a whole flush, however many rows (arrays unnested: a fixed number of
 * parameters). Ids that already exist are skipped; the answer is the ids this call
 * inserted, so the caller can tell that another writer got there first.
 */
export const insertSnapshots = async (
  sql: Sql | TransactionSql,
  rows: readonly SnapshotRow[],
  by: { readonly instanceId: string; readonly bootId: string },
): Promise<Set<string>> => {
  if (rows.length === 0) return new Set();
  const col = <T>(pick: (r: SnapshotRow) => T): T[] => rows.map(pick);
  const inserted = await sql<{ id: string }[]>`
    insert into snapshots
      (id, instrument, bar_time, open, high, low, close, volume, producer, content_hash,
       run_id, instance_id, boot_id)
    select id, instrument, bar_time, open, high, low, close, volume, producer::jsonb,
           content_hash, run_id, ${by.instanceId}, ${by.bootId}
      from unnest(${col((r) => r.id)}::text[], ${col((r) => r.instrument)}::text[],
                  ${col((r) => r.barTime)}::timestamptz[], ${col((r) => r.open)}::float8[],
                  ${col((r) => r.high)}::float8[], ${col((r) => r.low)}::float8[],
                  ${col((r) => r.close)}::float8[], ${col((r) => String(r.volume))}::bigint[],
                  ${col((r) => JSON.stringify(r.producer))}::text[],
                  ${col((r) => r.contentHash)}::text[], ${col((r) => r.runId)}::text[])
        as t(id, instrument, bar_time, open, high, low, close, volume, producer, content_hash,
             run_id)
    on conflict (id) do nothing
    returning id`;
  return new Set(inserted.map((r) => r.id));
};
