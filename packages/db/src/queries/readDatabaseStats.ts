import type { Sql } from "../client.ts";

export interface DatabaseStats {
  readonly deadlocks: number;
  readonly rollbacks: number;
  readonly indexes: { readonly index: string; readonly table: string; readonly scans: number }[];
}

/** This database's cumulative deadlocks and rollbacks (pg_stat_database) and scans per index. */
export const readDatabaseStats = async (sql: Sql): Promise<DatabaseStats> => {
  const [db] = await sql<{ deadlocks: number; rollbacks: number }[]>`
    select deadlocks::float8 as deadlocks, xact_rollback::float8 as rollbacks
      from pg_stat_database where datname = current_database()`;
  const indexes = await sql<{ index: string; table: string; scans: number }[]>`
    select indexrelname as index, relname as table, idx_scan::float8 as scans
      from pg_stat_user_indexes
     where schemaname = current_schema()
     order by indexrelname`;
  return { deadlocks: db?.deadlocks ?? 0, rollbacks: db?.rollbacks ?? 0, indexes };
};
