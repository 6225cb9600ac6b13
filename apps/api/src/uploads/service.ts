import { finalizeUpload as finalizeQuery } from "@scaleproof/db/queries/finalizeUpload";
import { getUpload } from "@scaleproof/db/queries/getUpload";
import { insertUpload } from "@scaleproof/db/queries/insertUpload";
import { storeUploadChunk } from "@scaleproof/db/queries/storeUploadChunk";
import type { InstanceDeps } from "../deps.ts";
import { corruptChunk } from "../faults/corruptChunk.ts";
import { QueueFull } from "../workers/errors.ts";
import {
  ChunkConflict,
  UploadFinalized,
  UploadInvalid,
  UploadNotFound,
  UploadTooLarge,
} from "./errors.ts";
import type { CreateUploadInput } from "./input.ts";
import { readChunk } from "./readChunk.ts";
import { retrySerializable } from "./serializable.ts";
import { Slots } from "./slots.ts";
import { verifyUpload } from "./verify.ts";

/** Processing jobs get as many attempts as a backtest's default. */
const JOB_MAX_ATTEMPTS = 3;
/** Rounds of verify + finalize while chunks are still being added, before giving up. */
const FINALIZE_ROUNDS = 3;

export const createUpload = async (
  deps: InstanceDeps,
  input: CreateUploadInput,
  runId: string | null,
) => {
  const { env, sql, identity } = deps;
  if (input.size > env.UPLOAD_MAX_BYTES) {
    throw new UploadTooLarge({ what: "upload", limit: env.UPLOAD_MAX_BYTES });
  }
  const id = await insertUpload(sql, { ...input, runId, instanceId: identity.instanceId });
  return {
    id,
    status: "open" as const,
    size: input.size,
    sha256: input.sha256,
    chunkMaxBytes: env.UPLOAD_CHUNK_MAX_BYTES,
  };
};

const slots = new WeakMap<InstanceDeps, Slots>();
const slotsOf = (deps: InstanceDeps): Slots => {
  let s = slots.get(deps);
  if (!s) {
    s = new Slots(deps.env.UPLOAD_CHUNK_SLOTS);
    slots.set(deps, s);
  }
  return s;
};

/**
 * Chunk n of an upload, streamed from the request into one Postgres row as it arrives.
 * The same chunk again is answered as a duplicate; other bytes under a stored number are
 * 409. A body without a Content-Length is first read whole, up to the chunk cap.
 */
export const putChunk = async (
  deps: InstanceDeps,
  c: {
    readonly uploadId: string;
    readonly n: number;
    readonly body: ReadableStream<Uint8Array> | null;
    readonly contentLength: number | undefined;
    readonly declaredSha256: string | undefined;
  },
) =>
  await slotsOf(deps).run(async () => {
    const problem = (message: string) =>
      new UploadInvalid({ uploadId: c.uploadId, fields: [{ field: "body", message }] });
    const sized =
      c.contentLength !== undefined && c.body
        ? { length: c.contentLength, body: piecesOf(c.body) }
        : await readChunk(c.body, deps.env.UPLOAD_CHUNK_MAX_BYTES).then((b) => ({
            length: b.length,
            body: (async function* () {
              yield b;
            })(),
          }));
    if (sized.length === 0) throw problem("a chunk holds at least one byte");
    const stored = await storeUploadChunk(deps.sql, {
      uploadId: c.uploadId,
      n: c.n,
      length: sized.length,
      body: sized.body,
      expectSha256: c.declaredSha256,
    });
    if (stored.kind === "stored") await corruptChunk(deps, c.uploadId, c.n); // FAULT, once
    switch (stored.kind) {
      case "stored":
      case "duplicate":
        return {
          uploadId: c.uploadId,
          n: c.n,
          size: sized.length,
          sha256: stored.sha256,
          outcome: stored.kind,
        };
      case "conflict":
        throw new ChunkConflict({
          uploadId: c.uploadId,
          n: c.n,
          storedSha256: stored.storedSha256,
          sentSha256: stored.sha256,
        });
      case "missing":
        throw new UploadNotFound({ uploadId: c.uploadId });
      case "finalized":
        throw new UploadFinalized({ uploadId: c.uploadId });
      case "digest-mismatch":
        throw problem(
          `sha256 of the bytes received is ${stored.sha256}, the request said ${c.declaredSha256}`,
        );
      case "length-mismatch":
        throw problem(`${stored.received} bytes arrived, Content-Length said ${sized.length}`);
      case "over-size":
        throw problem(
          `this chunk would bring the upload to ${stored.stored + sized.length} bytes; ${stored.declared} were declared`,
        );
    }
  });

/**
 * Verifies the chunks (size, sha256, streamed from Postgres) and enqueues the processing
 * job, once: however many callers finalize at once, on however many instances, there is
 * one job and every caller gets the same answer. A queue at its cap answers 429.
 */
export const finalizeUpload = async (
  deps: InstanceDeps,
  uploadId: string,
  runId: string | null,
) => {
  const { sql, env, log } = deps;
  for (let round = 0; round < FINALIZE_ROUNDS; round++) {
    const upload = await getUpload(sql, uploadId);
    if (!upload) throw new UploadNotFound({ uploadId });
    const declared = { size: Number(upload.declared_size), sha256: upload.declared_sha256 };
    const done = { uploadId, status: "finalized" as const, ...declared };
    if (upload.job_id) return { ...done, jobId: upload.job_id };
    const verified = await verifyUpload(sql, { id: uploadId, ...declared });
    if (verified.problems.length > 0)
      throw new UploadInvalid({ uploadId, fields: verified.problems });
    const outcome = await retrySerializable(
      () =>
        finalizeQuery(sql, {
          uploadId,
          chunks: verified.chunks,
          bytes: verified.bytes,
          cap: env.QUEUE_MAX_PENDING,
          runId,
          maxAttempts: JOB_MAX_ATTEMPTS,
        }),
      {
        onRetry: (attempt) =>
          log.info({ event: "finalize_retry", uploadId, attempt }, "40001: retrying finalize"),
      },
    );
    switch (outcome.kind) {
      case "enqueued":
      case "already":
        return { ...done, jobId: outcome.jobId };
      case "queue-full":
        throw new QueueFull({
          pending: outcome.pending,
          cap: env.QUEUE_MAX_PENDING,
          retryAfterSec: env.QUEUE_FULL_RETRY_AFTER_S,
        });
      case "missing":
        throw new UploadNotFound({ uploadId });
      case "changed":
        continue;
    }
  }
  throw new UploadInvalid({
    uploadId,
    fields: [{ field: "chunks", message: "chunks were still being written while finalizing" }],
  });
};

/** A web stream's pieces as they arrive. */
async function* piecesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
