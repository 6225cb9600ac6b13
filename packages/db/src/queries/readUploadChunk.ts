import type { Sql } from "../client.ts";

/** The bytes of one chunk (at most the chunk size cap): uploads are read one chunk at a time. */
export const readUploadChunk = async (
  sql: Sql,
  uploadId: string,
  n: number,
): Promise<Buffer | null> => {
  const [row] = await sql<{ bytes: Buffer }[]>`
    select bytes from upload_chunks where upload_id = ${uploadId} and n = ${n}`;
  return row?.bytes ?? null;
};
