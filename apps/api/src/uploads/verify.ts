import { createHash } from "node:crypto";
import type { FieldProblem } from "@scaleproof/core/wire/fieldProblems";
import type { Sql } from "@scaleproof/db/client";
import { readUploadBytes } from "@scaleproof/db/queries/readUploadBytes";

export interface Verified {
  readonly chunks: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Empty when the chunks are exactly the declared file. */
  readonly problems: FieldProblem[];
}

/** How many missing chunk numbers a problem lists before it says "...". */
const LISTED = 10;

/**
 * Checks an upload's stored chunks against what was declared: numbered 0..k-1 without a
 * gap, each chunk's bytes still matching the size and sha256 taken when it arrived
 * (corruption at rest), the total size, and the sha256 of the whole file in chunk order.
 * The chunks stream from Postgres one at a time (never the file in memory); `onBytes`
 * sees each in file order (the job decodes market data from it).
 */
export const verifyUpload = async (
  sql: Sql,
  upload: { readonly id: string; readonly size: number; readonly sha256: string },
  o: { onBytes?: (bytes: Buffer) => Promise<void> | void; signal?: AbortSignal } = {},
): Promise<Verified> => {
  const problems: FieldProblem[] = [];
  const missing: number[] = [];
  const whole = createHash("sha256");
  let chunks = 0;
  let bytes = 0;
  for await (const c of readUploadBytes(sql, upload.id)) {
    o.signal?.throwIfAborted();
    // Chunk numbers must run 0, 1, 2... without a gap.
    for (let n = chunks + missing.length; n < c.n && missing.length <= LISTED; n++) missing.push(n);
    chunks += 1;
    const length = c.bytes.length;
    bytes += length;
    whole.update(c.bytes);
    await o.onBytes?.(c.bytes);
    const sha = createHash("sha256").update(c.bytes).digest("hex");
    if (sha !== c.sha256 || length !== c.size) {
      problems.push({
        field: `chunks.${c.n}`,
        message: `stored bytes (${length}, sha256 ${sha}) no longer match the chunk as received (${c.size}, ${c.sha256})`,
      });
    }
  }
  if (missing.length > 0) {
    const listed = missing.slice(0, LISTED).join(", ");
    problems.unshift({
      field: "chunks",
      message: `missing chunk ${listed}${missing.length > LISTED ? ", ..." : ""}`,
    });
  }
  if (bytes !== upload.size) {
    problems.push({
      field: "size",
      message: `declared ${upload.size} bytes, chunks hold ${bytes}`,
    });
  }
  const sha256 = whole.digest("hex");
  if (sha256 !== upload.sha256) {
    problems.push({
      field: "sha256",
      message: `declared ${upload.sha256}, the chunks in order hash to ${sha256}`,
    });
  }
  return { chunks, bytes, sha256, problems };
};
