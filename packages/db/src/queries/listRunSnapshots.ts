import type { Sql } from "../client.ts";

export interface StoredSnapshotRow {
  readonly id: string;
  readonly instrument: string;
  readonly bar_time: Date;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: bigint;
  readonly producer: Record<string, unknown>;
  readonly content_hash: string;
  readonly run_id: string | null;
  readonly instance_id: string;
}

/**
 * What Postgres holds of a run's snapshots: the rows under the ids it sent (whatever run
 * tag they carry) and every row tagged with the run (one stored under an id it never
 * sent shows too). Both sides use an index: the primary key, and `snapshots_run`.
 */
export const listRunSnapshots = async (
  sql: Sql,
  runId: string,
  ids: readonly string[],
): Promise<StoredSnapshotRow[]> =>
  await sql<StoredSnapshotRow[]>`
    select id, instrument, bar_time, open, high, low, close, volume, producer, content_hash,
           run_id, instance_id
      from snapshots where id = any(${ids as string[]})
    union
    select id, instrument, bar_time, open, high, low, close, volume, producer, content_hash,
           run_id, instance_id
      from snapshots where run_id = ${runId}
    order by id`;
