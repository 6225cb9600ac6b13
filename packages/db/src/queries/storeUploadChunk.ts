import { createHash } from "node:crypto";
import type { Writable } from "node:stream";
import type { TransactionSql } from "postgres";
import type { Sql } from "../client.ts";

export interface ChunkUpload {
  readonly uploadId: string;
  readonly n: number;
  /** Bytes the body will bring (its Content-Length). */
  readonly length: number;
  /** The body, piece by piece as it arrives. */
  readonly body: AsyncIterable<Uint8Array>;
  /** The sha256 (hex) the client says the chunk has: a mismatch stores nothing. */
  readonly expectSha256?: string | undefined;
}

export type StoredChunk =
  | { readonly kind: "stored"; readonly sha256: string }
  /** The same chunk again (same n, same sha256): a retry; nothing changes. */
  | { readonly kind: "duplicate"; readonly sha256: string }
  /** Chunk n exists with other bytes: chunks are never overwritten. */
  | { readonly kind: "conflict"; readonly sha256: string; readonly storedSha256: string }
  | { readonly kind: "missing" }
  /** The upload was finalized: it takes no new chunks. */
  | { readonly kind: "finalized" }
  /** The chunks would hold more than the upload's declared size. */
  | { readonly kind: "over-size"; readonly declared: number; readonly stored: number }
  | { readonly kind: "digest-mismatch"; readonly sha256: string }
  | { readonly kind: "length-mismatch"; readonly received: number };

/** An answer decided inside the transaction that must not commit. */
class Refused extends Error {
  readonly outcome: StoredChunk;
  constructor(outcome: StoredChunk) {
    super(outcome.kind);
    this.outcome = outcome;
  }
}

/**
 * Writes chunk n of an open upload, once, streaming the body into Postgres piece by piece
 * as it arrives (binary COPY) and hashing it on the way: neither the chunk nor the upload
 * is ever whole in the instance's memory. The chunk's transaction then touches the upload
 * row (refusing the chunk if the upload was finalized meanwhile: a finalize racing it
 * either waits for it and sees it, or fails with 40001 and verifies again) and checks the
 * declared size, so a chunk never lands in an upload whose bytes were already verified.
 * A chunk number already stored is answered from its sha256: the same bytes are a
 * duplicate (a retry), other bytes a conflict. While the body streams, the transaction
 * holds a connection: the caller bounds how many chunks stream at once.
 */
export const storeUploadChunk = async (sql: Sql, c: ChunkUpload): Promise<StoredChunk> => {
  const [state] = await sql<{ status: string; stored: string | null }[]>`
    select u.status, c.sha256 as stored
      from uploads u left join upload_chunks c on c.upload_id = u.id and c.n = ${c.n}
     where u.id = ${c.uploadId}`;
  if (!state) return { kind: "missing" };
  if (state.stored) return answerStored(state.stored, await hashAll(c.body));
  if (state.status !== "open") return { kind: "finalized" };
  try {
    return await sql.begin(async (tx): Promise<StoredChunk> => {
      // Writers of the same chunk number pass one at a time; the first one's row decides.
      await tx`select pg_advisory_xact_lock(hashtext(${c.uploadId}), ${c.n})`;
      const [again] = await tx<{ sha256: string }[]>`
        select sha256 from upload_chunks where upload_id = ${c.uploadId} and n = ${c.n}`;
      if (again) throw new Refused(answerStored(again.sha256, await hashAll(c.body)));
      const received = await copyIn(tx, c);
      if (received.bytes !== c.length) {
        throw new Refused({ kind: "length-mismatch", received: received.bytes });
      }
      const sha256 = received.sha256;
      if (c.expectSha256 !== undefined && c.expectSha256 !== sha256) {
        throw new Refused({ kind: "digest-mismatch", sha256 });
      }
      const [open] = await tx<{ declared_size: bigint }[]>`
        update uploads set updated_at = now()
         where id = ${c.uploadId} and status = 'open'
        returning declared_size`;
      if (!open) throw new Refused({ kind: "finalized" });
      const [sum] = await tx<{ stored: bigint }[]>`
        select coalesce(sum(size), 0)::bigint as stored
          from upload_chunks where upload_id = ${c.uploadId}`;
      const stored = Number(sum?.stored ?? 0n);
      const declared = Number(open.declared_size);
      if (stored > declared) {
        throw new Refused({ kind: "over-size", declared, stored: stored - received.bytes });
      }
      return { kind: "stored", sha256 };
    });
  } catch (error) {
    if (error instanceof Refused) return error.outcome;
    throw error;
  }
};

const answerStored = (storedSha256: string, sha256: string): StoredChunk =>
  storedSha256 === sha256
    ? { kind: "duplicate", sha256 }
    : { kind: "conflict", sha256, storedSha256 };

const hashAll = async (body: AsyncIterable<Uint8Array>): Promise<string> => {
  const hash = createHash("sha256");
  for await (const piece of body) hash.update(piece);
  return hash.digest("hex");
};

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The chunk's `upload_chunks` row through `COPY ... FROM STDIN (FORMAT binary)`, its bytes
 * written piece by piece as the body arrives, with backpressure, and hashed on the way:
 * no JavaScript string, no copy of the chunk. (A bytea bound as an ordinary parameter
 * travels hex-encoded, a string twice its size, and only whole.) The bytes' length goes
 * before them (the Content-Length), the size and sha256 after them.
 *
 * postgres.js (3.4.9) reports the end of a COPY only on success (the stream's `finish`);
 * a COPY that fails at its end (a constraint) only rejects the query, which resolved long
 * before with the stream, so that rejection is caught here to fail the chunk, not hang.
 */
const copyIn = async (
  tx: TransactionSql,
  c: ChunkUpload,
): Promise<{ bytes: number; sha256: string }> => {
  if (!UUID.test(c.uploadId)) throw new Error(`not an upload id: ${c.uploadId}`);
  const query = tx.unsafe(
    "copy upload_chunks (upload_id, n, bytes, size, sha256) from stdin with (format binary)",
  );
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  // The Query's own reject, an instance property in postgres.js (not in its types).
  const internal = query as unknown as { reject: (error: unknown) => void };
  const reject = internal.reject;
  internal.reject = (error: unknown) => {
    fail(error);
    reject(error);
  };
  const copy: Writable = await query.writable();
  copy.once("error", fail);
  const write = async (b: Uint8Array) => {
    if (!copy.write(b)) await Promise.race([new Promise((r) => copy.once("drain", r)), failed]);
  };
  const head = Buffer.alloc(SIGNATURE.length + 8 + 2 + (4 + 16) + (4 + 4) + 4);
  let at = SIGNATURE.copy(head, 0);
  at = head.writeUInt32BE(0, at); // flags
  at = head.writeUInt32BE(0, at); // header extension length
  at = head.writeInt16BE(5, at); // fields in the tuple
  at = head.writeInt32BE(16, at);
  at += Buffer.from(c.uploadId.replaceAll("-", ""), "hex").copy(head, at);
  at = head.writeInt32BE(4, at);
  at = head.writeInt32BE(c.n, at);
  head.writeInt32BE(c.length, at);
  await write(head);
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const piece of c.body) {
    bytes += piece.length;
    if (bytes > c.length) break;
    hash.update(piece);
    await write(piece);
  }
  if (bytes !== c.length) {
    // Tells Postgres to abandon the COPY (CopyFail); the caller rolls back.
    copy.destroy(new Error("the chunk's body does not have its announced length"));
    return { bytes, sha256: "" };
  }
  const sha256 = hash.digest("hex");
  const sha = Buffer.from(sha256, "utf8");
  const tail = Buffer.alloc(4 + 4 + 4 + sha.length + 2);
  at = tail.writeInt32BE(4, 0);
  at = tail.writeInt32BE(c.length, at);
  at = tail.writeInt32BE(sha.length, at);
  at += sha.copy(tail, at);
  tail.writeInt16BE(-1, at); // the file trailer
  await Promise.race([new Promise<void>((resolve) => copy.end(tail, resolve)), failed]);
  return { bytes, sha256 };
};
