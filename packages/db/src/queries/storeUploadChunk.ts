import type { Sql } from "../client.ts";

export interface UploadChunk {
  readonly uploadId: string;
  readonly n: number;
  readonly bytes: Uint8Array;
  /** sha256 hex of `bytes`, computed while they streamed in. */
  readonly sha256: string;
}

export type StoredChunk =
  | { readonly kind: "stored" }
  /** The same chunk again (same n, same sha256): a retry; nothing changes. */
  | { readonly kind: "duplicate" }
  /** Chunk n exists with other bytes: chunks are never overwritten. */
  | { readonly kind: "conflict"; readonly storedSha256: string }
  | { readonly kind: "missing" }
  /** The upload was finalized: it takes no new chunks. */
  | { readonly kind: "finalized" }
  /** The chunks would hold more than the upload's declared size. */
  | { readonly kind: "over-size"; readonly declared: number; readonly stored: number };

/**
 * Writes chunk n of an open upload, once. The transaction first touches the upload row:
 * chunk writes of one upload pass one at a time (so the size budget is exact), and a
 * finalize racing this write conflicts on that row (40001 for the SERIALIZABLE finalize,
 * or "finalized" here), so no chunk ever lands in an upload after its bytes were verified.
 */
export const storeUploadChunk = async (sql: Sql, c: UploadChunk): Promise<StoredChunk> =>
  await sql.begin(async (tx): Promise<StoredChunk> => {
    const [open] = await tx<{ declared_size: bigint }[]>`
      update uploads set updated_at = now()
       where id = ${c.uploadId} and status = 'open'
      returning declared_size`;
    const [existing] = await tx<{ sha256: string }[]>`
      select sha256 from upload_chunks where upload_id = ${c.uploadId} and n = ${c.n}`;
    if (existing) {
      return existing.sha256 === c.sha256
        ? { kind: "duplicate" }
        : { kind: "conflict", storedSha256: existing.sha256 };
    }
    if (!open) {
      const [u] = await tx`select 1 from uploads where id = ${c.uploadId}`;
      return { kind: u ? "finalized" : "missing" };
    }
    const [sum] = await tx<{ stored: bigint }[]>`
      select coalesce(sum(size), 0)::bigint as stored from upload_chunks where upload_id = ${c.uploadId}`;
    const stored = Number(sum?.stored ?? 0n);
    const declared = Number(open.declared_size);
    if (stored + c.bytes.length > declared) return { kind: "over-size", declared, stored };
    await tx`
      insert into upload_chunks (upload_id, n, size, sha256, bytes)
      values (${c.uploadId}, ${c.n}, ${c.bytes.length}, ${c.sha256}, ${c.bytes as Buffer})`;
    return { kind: "stored" };
  });
