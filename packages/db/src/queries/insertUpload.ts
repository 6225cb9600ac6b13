import type { Sql } from "../client.ts";

export interface NewUpload {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** sha256 hex of the whole file, as the client declares it. */
  readonly sha256: string;
  readonly runId: string | null;
  readonly instanceId: string;
}

/** Opens an upload; chunks are written to it until it is finalized. Returns its id. */
export const insertUpload = async (sql: Sql, u: NewUpload): Promise<string> => {
  const [row] = await sql<{ id: string }[]>`
    insert into uploads (filename, content_type, declared_size, declared_sha256, run_id, instance_id)
    values (${u.filename}, ${u.contentType}, ${u.size}, ${u.sha256}, ${u.runId}, ${u.instanceId})
    returning id::text`;
  if (!row) throw new Error("insert into uploads returned no row");
  return row.id;
};
