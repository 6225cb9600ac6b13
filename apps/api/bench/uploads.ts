import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { connect, type Sql } from "@scaleproof/db/client";
import { countPendingJobs } from "@scaleproof/db/queries/countPendingJobs";
import { insertUpload } from "@scaleproof/db/queries/insertUpload";
import type { Amount } from "./stats.ts";

const MB = 1024 ** 2;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export interface UploadFile {
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly chunks: readonly { readonly bytes: Buffer; readonly sha256: string }[];
}

/**
 * `mb` MB of real bytes: the recorded CSV's header, then its rows over and over (cut at
 * `mb` MB), in `chunkMb` MB chunks, hashed beforehand (a client declares the sha256 at
 * create). The upload path stores bytes as they come (no compression: storage external),
 * so the content does not change the write cost; the processing job decodes the bars.
 */
export const uploadFile = (csvPath: string, mb: number, chunkMb: number): UploadFile => {
  const csv = readFileSync(csvPath);
  const eol = csv.indexOf(10) + 1;
  const bytes = Buffer.alloc(mb * MB);
  let at = csv.copy(bytes, 0, 0, eol);
  while (at < bytes.length) at += csv.copy(bytes, at, eol);
  const chunks = [];
  for (let off = 0; off < bytes.length; off += chunkMb * MB) {
    const chunk = bytes.subarray(off, off + chunkMb * MB);
    chunks.push({ bytes: chunk, sha256: sha256(chunk) });
  }
  return { bytes, sha256: sha256(bytes), chunks };
};

const post = async (url: string, body: unknown, expect: number) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  if (res.status !== expect)
    throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
};

/** Finalized uploads and the bytes their chunks hold. */
const storedUploads = async (sql: Sql) => {
  const [row] = await sql<{ uploads: number; finalized: number; bytes: number }[]>`
    select count(distinct u.id)::int as uploads,
           count(distinct u.id) filter (where u.status = 'finalized')::int as finalized,
           coalesce(sum(c.size), 0)::float8 as bytes
      from uploads u left join upload_chunks c on c.upload_id = u.id`;
  return row ?? { uploads: 0, finalized: 0, bytes: 0 };
};

/** Waits (bounded) until the processing jobs are done, so none runs during the next case; empties the upload tables. */
const reset = async (sql: Sql) => {
  for (let i = 0; (await countPendingJobs(sql)) > 0; i++) {
    if (i > 600) throw new Error("upload processing jobs still pending after 60 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  await sql`truncate upload_chunks, uploads`; // the jobs stay: a worker may still be writing its events
};

/**
 * `count` uploads of the file at once to one instance: create, each chunk `PUT` in turn
 * (with its `x-chunk-sha256`), finalize (202: verified in Postgres, job enqueued). From the
 * first create to the last finalize answer; then Postgres must hold every byte, finalized.
 */
export const viaService = async (
  url: string,
  sql: Sql,
  file: UploadFile,
  count: number,
): Promise<Amount> => {
  await reset(sql);
  const started = performance.now();
  const finalizing: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { id } = await post(
        `${url}/api/uploads`,
        {
          filename: `bench-${i}.csv`,
          contentType: "text/csv",
          size: file.bytes.length,
          sha256: file.sha256,
        },
        201,
      );
      for (const [n, c] of file.chunks.entries()) {
        const res = await fetch(`${url}/api/uploads/${id}/chunks/${n}`, {
          method: "PUT",
          headers: { "content-type": "application/octet-stream", "x-chunk-sha256": c.sha256 },
          body: c.bytes,
        });
        if (res.status !== 201) throw new Error(`chunk ${n}: ${res.status} ${await res.text()}`);
      }
      const sent = performance.now();
      await post(`${url}/api/uploads/${id}/finalize`, {}, 202);
      finalizing.push((performance.now() - sent) / 1000);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const s = await storedUploads(sql);
  if (s.finalized !== count || s.bytes !== count * file.bytes.length) {
    throw new Error(`uploads: ${s.finalized} of ${count} finalized, ${s.bytes} bytes stored`);
  }
  const name = `POST/PUT/finalize /api/uploads, ${count} at once`;
  const note = `finalize (chunks read back and hashed, job enqueued) took ${Math.min(...finalizing).toFixed(2)}-${Math.max(...finalizing).toFixed(2)} s per upload`;
  return { name, amount: s.bytes / MB, seconds, note };
};

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/** Binary COPY of an upload's chunk rows: (upload_id, n, size, sha256, bytes) each. */
function* binaryRows(uploadId: string, file: UploadFile): Generator<Buffer> {
  yield Buffer.concat([SIGNATURE, Buffer.alloc(8)]); // flags, header extension length
  const id = Buffer.from(uploadId.replaceAll("-", ""), "hex");
  for (const [n, c] of file.chunks.entries()) {
    const sha = Buffer.from(c.sha256);
    const head = Buffer.alloc(2 + 4 + 16 + 4 + 4 + 4 + 4 + 4 + sha.length + 4);
    let at = head.writeInt16BE(5, 0);
    at = head.writeInt32BE(16, at);
    at += id.copy(head, at);
    at = head.writeInt32BE(4, at);
    at = head.writeInt32BE(n, at);
    at = head.writeInt32BE(4, at);
    at = head.writeInt32BE(c.bytes.length, at);
    at = head.writeInt32BE(sha.length, at);
    at += sha.copy(head, at);
    head.writeInt32BE(c.bytes.length, at);
    yield head;
    yield c.bytes;
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  yield trailer;
}

/**
 * The ceiling: the same bytes straight into `upload_chunks` by postgres.js, `count`
 * uploads at once on a connection each: the upload row, then its chunk rows by one
 * binary COPY, or one insert per chunk with the bytes as a parameter (postgres.js sends
 * a Buffer as hex text). Hashes are computed beforehand; nothing is verified or enqueued.
 */
export const direct = async (
  dbUrl: string,
  sql: Sql,
  file: UploadFile,
  count: number,
  how: "copy" | "insert",
): Promise<Amount> => {
  await reset(sql);
  const pool = connect(dbUrl, { max: count, applicationName: "scaleproof-bench" });
  try {
    await Promise.all(Array.from({ length: count }, () => pool`select 1`)); // connections open
    const started = performance.now();
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const id = await insertUpload(pool, {
          filename: `bench-${i}.csv`,
          contentType: "text/csv",
          size: file.bytes.length,
          sha256: file.sha256,
          runId: null,
          instanceId: "bench",
        });
        if (how === "copy") {
          const copy = await pool
            .unsafe(
              "copy upload_chunks (upload_id, n, size, sha256, bytes) from stdin (format binary)",
            )
            .writable();
          await pipeline(Readable.from(binaryRows(id, file)), copy);
        } else {
          for (const [n, c] of file.chunks.entries()) {
            await pool`insert into upload_chunks (upload_id, n, size, sha256, bytes)
                       values (${id}, ${n}, ${c.bytes.length}, ${c.sha256}, ${c.bytes})`;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const s = await storedUploads(sql);
    if (s.uploads !== count || s.bytes !== count * file.bytes.length) {
      throw new Error(`${how}: ${s.uploads} of ${count} uploads, ${s.bytes} bytes stored`);
    }
    const name =
      how === "copy"
        ? `postgres.js binary COPY per upload, ${count} conns`
        : `postgres.js insert per chunk (bytea param), ${count} conns`;
    return { name, amount: s.bytes / MB, seconds };
  } finally {
    await pool.end({ timeout: 5 });
  }
};
