import type { Readable } from "node:stream";
import type { Sql } from "../client.ts";

/** One stored chunk: its size and sha256 as it arrived, and its bytes as stored now. */
export interface StoredChunk {
  readonly n: number;
  readonly size: number;
  readonly sha256: string;
  readonly bytes: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * An upload's chunks in `n` order, one at a time: memory holds one chunk (at most the
 * chunk cap), never the upload. The bytes come with `COPY ... TO STDOUT (FORMAT binary)`:
 * a bytea column read by an ordinary query arrives hex-encoded, a string twice its size.
 * COPY takes no bind parameters, so the id (a uuid, checked here) and n (an integer) are
 * written into the statement.
 */
export async function* readUploadBytes(sql: Sql, uploadId: string): AsyncGenerator<StoredChunk> {
  if (!UUID.test(uploadId)) throw new Error(`not an upload id: ${uploadId}`);
  const chunks = await sql<{ n: number; size: number; sha256: string }[]>`
    select n, size, sha256 from upload_chunks where upload_id = ${uploadId} order by n`;
  for (const c of chunks) yield { ...c, bytes: await copyOut(sql, uploadId, c.n) };
}

const copyOut = async (sql: Sql, uploadId: string, n: number): Promise<Buffer> => {
  if (!Number.isInteger(n)) throw new Error(`not a chunk number: ${n}`);
  // On a connection of its own: postgres.js pipelines queries onto busy pooled
  // connections, and every query it puts behind a COPY fails with COPY_IN_PROGRESS
  // (seen with 12 uploads finalizing at once: claims, heartbeats, samples failed).
  const reserved = await sql.reserve();
  const data: Buffer[] = [];
  try {
    const stream: Readable = await reserved
      .unsafe(
        `copy (select bytes from upload_chunks where upload_id = '${uploadId}' and n = ${n})
           to stdout with (format binary)`,
      )
      .readable();
    // Flowing, never paused: postgres.js 3.4.9 pauses its socket when a push is refused,
    // and a pause at the stream's very end leaves the connection stuck. One chunk is
    // bounded (the chunk cap), so reading it without backpressure is safe.
    await new Promise<void>((resolve, reject) => {
      stream.on("data", (d: Buffer) => data.push(d));
      stream.on("end", resolve);
      stream.on("error", reject);
    });
  } finally {
    reserved.release();
  }
  const all = data.length === 1 ? (data[0] as Buffer) : Buffer.concat(data);
  if (!all.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error("COPY: bad signature");
  const at = SIGNATURE.length + 8 + all.readUInt32BE(SIGNATURE.length + 4);
  if (all.readInt16BE(at) !== 1) throw new Error(`COPY: chunk ${n} is gone`);
  const length = all.readInt32BE(at + 2);
  if (length < 0 || at + 6 + length + 2 !== all.length) {
    throw new Error(`COPY: chunk ${n} did not arrive whole`);
  }
  return all.subarray(at + 6, at + 6 + length);
};
