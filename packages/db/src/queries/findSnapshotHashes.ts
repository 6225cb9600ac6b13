import type { TransactionSql } from "postgres";
import type { Sql } from "../client.ts";

/** The stored content hash of each of these snapshot ids that exists. */
export const findSnapshotHashes = async (
  sql: Sql | TransactionSql,
  ids: readonly string[],
): Promise<Map<string, string>> => {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; content_hash: string }[]>`
    select id, content_hash from snapshots where id = any(${ids as string[]})`;
  return new Map(rows.map((r) => [r.id, r.content_hash]));
};
