import { Clock, Effect } from "effect";
import { Uploads } from "../../services/uploads.ts";
import {
  type Attempted,
  type RetryPolicy,
  WRITE_RETRIES,
  withRetries,
} from "../../services/writeReply.ts";
import type { UploadSpec } from "./data.ts";
import type { UploadRecord } from "./evidence.ts";

/** A full queue answers 429 with Retry-After: finalize waits it out for up to ~a minute. */
const FINALIZE_RETRIES: RetryPolicy = { attempts: 12, baseMs: 500, maxMs: 10_000 };

const describe = (a: Attempted) =>
  a.reply
    ? `${a.reply.status} ${a.reply.errorCode ?? ""}`.trim()
    : `unreachable: ${a.unreachable ?? "?"}`;

const field = (json: unknown, name: string): string | null => {
  const v = (json as Record<string, unknown> | null)?.[name];
  return typeof v === "string" ? v : null;
};

/**
 * One upload through the balancer: a pass over its bytes for the digests, create (its
 * size and sha256 declared), every chunk in order (each with its sha256 in a header),
 * then finalize. Each request is retried while unanswered or answered 429/502/503/504:
 * chunks and finalize are idempotent (the same chunk again is a duplicate; a finalized
 * upload answers with its job). Any other answer ends the upload as a failure, kept.
 */
export const uploadOne = (spec: UploadSpec, phase: UploadRecord["phase"]) =>
  Effect.gen(function* () {
    const uploads = yield* Uploads;
    const p = yield* uploads.prepare(spec);
    const startedAt = yield* Clock.currentTimeMillis;
    const acked: number[] = [];
    const instances = new Set<string>();
    let retries = 0;
    const attempt = (send: Parameters<typeof withRetries>[0], policy = WRITE_RETRIES) =>
      withRetries(send, policy).pipe(
        Effect.tap((a) =>
          Effect.sync(() => {
            retries += a.answers.length - 1;
          }),
        ),
      );
    const end = (id: string | null, jobId: string | null, failure: string | null) =>
      Clock.currentTimeMillis.pipe(
        Effect.map(
          (endedAt): UploadRecord => ({
            index: spec.index,
            phase,
            filename: spec.filename,
            size: spec.size,
            sha256: p.sha256,
            chunks: p.chunks,
            id,
            startedAt,
            endedAt,
            jobId,
            failure,
            acked,
            retries,
            instances: [...instances].sort(),
          }),
        ),
      );

    const created = yield* attempt(uploads.create(p));
    const id = created.reply?.status === 201 ? field(created.reply.json, "id") : null;
    if (id === null) return yield* end(null, null, `create: ${describe(created)}`);
    for (const c of p.chunks) {
      const put = yield* attempt(uploads.putChunk(p, id, c.n));
      const status = put.reply?.status;
      if (status !== 201 && status !== 200) {
        return yield* end(id, null, `chunk ${c.n}: ${describe(put)}`);
      }
      acked.push(c.n);
      if (put.reply?.instanceId) instances.add(put.reply.instanceId);
    }
    const fin = yield* attempt(uploads.finalize(id), FINALIZE_RETRIES);
    const jobId = fin.reply?.status === 202 ? field(fin.reply.json, "jobId") : null;
    return yield* end(id, jobId, jobId === null ? `finalize: ${describe(fin)}` : null);
  });
