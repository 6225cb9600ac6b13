import type { Sql } from "../client.ts";

export interface ChunkInfo {
  readonly n: number;
  readonly size: number;
  readonly sha256: string;
}

/** An upload's chunks in order, without their bytes. */
export const listUploadChunks = async (sql: Sql, uploadId: string): Promise<ChunkInfo[]> =>
  await sql<ChunkInfo[]>`
    select n, size, sha256 from upload_chunks where upload_id = ${uploadId} order by n`;
