import type { Sql } from "../client.ts";

/**
 * FAULT upload-corrupt-chunk: inverts the middle byte of a stored chunk in place, leaving
 * its recorded size and sha256 (those of the bytes received) as they were. Returns the
 * byte's offset, or null when there is no such chunk.
 */
export const flipUploadChunkByte = async (
  sql: Sql,
  uploadId: string,
  n: number,
): Promise<number | null> => {
  const [row] = await sql<{ at: number }[]>`
    update upload_chunks
       set bytes = set_byte(bytes, size / 2, 255 - get_byte(bytes, size / 2))
     where upload_id = ${uploadId} and n = ${n} and size > 0
    returning size / 2 as at`;
  return row?.at ?? null;
};
