import { Readable } from "node:stream";
import { TargetUnreachable } from "@scaleproof/core/scale-test/errors";
import type { StoredUpload } from "@scaleproof/core/scale-test/profiles/uploads/data";
import { Uploads } from "@scaleproof/core/scale-test/services/uploads";
import type { WriteReply } from "@scaleproof/core/scale-test/services/writeReply";
import { HEADERS } from "@scaleproof/core/wire/headers";
import type { Sql } from "@scaleproof/db/client";
import { listUploadJobStatus } from "@scaleproof/db/queries/listUploadJobStatus";
import { readUploadsBack } from "@scaleproof/db/queries/readUploadsBack";
import { Effect, Layer } from "effect";
import { request } from "undici";
import { CHUNK_SHA256_HEADER } from "../uploads/input.ts";
import { ridingOut } from "./ridingOut.ts";
import { BYTES_SOURCE, chunkPieces, prepareUpload } from "./uploadBytes.ts";
import { describeError, replyOf, writeHttp } from "./writeHttp.ts";

/** A 4 MB chunk through the balancer on a busy machine: generous, but not forever. */
const CHUNK_TIMEOUT_MS = 120_000;
const JSON_TIMEOUT_MS = 60_000;

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
};

/**
 * Chunked uploads over real HTTP at the target URL (the front door): create and finalize
 * as JSON, each chunk streamed piece by piece from the generator with its Content-Length
 * and sha256 (undici: a stream body with a length, so the instance can stream it into
 * Postgres), all signed as the run's evidence; the queue from `GET /ops/workers`; the
 * uploads read back from Postgres with their chunks re-hashed there.
 */
export const uploadsLayer = (o: {
  readonly sql: Sql;
  readonly url: string;
  readonly runId: string;
  readonly adminToken: string | undefined;
}): Layer.Layer<Uploads> => {
  const http = writeHttp(o.url, o.runId, o.adminToken);
  const unreachable = (error: unknown) =>
    new TargetUnreachable({ url: o.url, message: describeError(error) });
  const postJson = (path: string, body: unknown) =>
    Effect.tryPromise({
      try: async (signal) =>
        await replyOf(
          await fetch(new URL(path, o.url), {
            method: "POST",
            headers: { ...http.evidence("POST", path), "content-type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.any([signal, AbortSignal.timeout(JSON_TIMEOUT_MS)]),
          }),
        ),
      catch: unreachable,
    });
  return Layer.succeed(
    Uploads,
    Uploads.of({
      source: BYTES_SOURCE,
      prepare: (spec) => Effect.promise(() => prepareUpload(spec)),
      create: (p) =>
        postJson("/api/uploads", {
          filename: p.spec.filename,
          contentType: "application/octet-stream",
          size: p.spec.size,
          sha256: p.sha256,
        }),
      putChunk: (p, uploadId, n) =>
        Effect.tryPromise({
          try: async (signal): Promise<WriteReply> => {
            const c = p.chunks[n];
            if (!c) throw new Error(`upload ${p.spec.filename} has no chunk ${n}`);
            const path = `/api/uploads/${uploadId}/chunks/${n}`;
            const res = await request(new URL(path, o.url), {
              method: "PUT",
              headers: {
                ...http.evidence("PUT", path),
                "content-type": "application/octet-stream",
                "content-length": String(c.size),
                [CHUNK_SHA256_HEADER]: c.sha256,
              },
              body: Readable.from(chunkPieces(p.spec, n)),
              signal: AbortSignal.any([signal, AbortSignal.timeout(CHUNK_TIMEOUT_MS)]),
            });
            const text = await res.body.text();
            let json: unknown = null;
            try {
              json = JSON.parse(text);
            } catch {
              // not JSON: kept as null
            }
            const retryAfter = header(res.headers, "retry-after");
            return {
              status: res.statusCode,
              instanceId: header(res.headers, HEADERS.instanceId),
              bootId: header(res.headers, HEADERS.bootId),
              errorCode:
                res.statusCode < 400
                  ? null
                  : ((json as { error?: { code?: string } } | null)?.error?.code ?? null),
              retryAfterSec: retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null,
              json,
            };
          },
          catch: unreachable,
        }),
      finalize: (uploadId) => postJson(`/api/uploads/${uploadId}/finalize`, {}),
      queue: Effect.promise(async (signal) => {
        try {
          const res = await fetch(new URL("/ops/workers", o.url), {
            headers: o.adminToken ? { authorization: `Bearer ${o.adminToken}` } : {},
            signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]),
          });
          const body = (await res.json().catch(() => null)) as {
            queue?: { pending?: number; cap?: number };
          } | null;
          if (!res.ok || typeof body?.queue?.pending !== "number") return null;
          return { at: Date.now(), pending: body.queue.pending, cap: body.queue.cap ?? 0 };
        } catch {
          return null; // no sample this second
        }
      }),
      jobs: (ids) =>
        ridingOut(async () =>
          (await listUploadJobStatus(o.sql, ids)).map((r) => ({
            id: r.id,
            jobStatus: r.job_status,
          })),
        ),
      stored: (ids) =>
        ridingOut(async () => {
          const back = await readUploadsBack(o.sql, ids);
          return back.uploads.map(
            (u): StoredUpload => ({
              id: u.id,
              status: u.status,
              declaredSize: Number(u.declared_size),
              declaredSha256: u.declared_sha256,
              chunks: back.chunks
                .filter((c) => c.upload_id === u.id)
                .map((c) => ({
                  n: c.n,
                  size: c.size,
                  sha256: c.sha256,
                  actualSha256: c.actual_sha256,
                })),
              jobs: u.jobs,
              jobStatus: u.job_status,
              jobVerified: u.job_verified,
              jobSha256: u.job_sha256,
              jobFinishes: u.job_finishes,
            }),
          );
        }),
    }),
  );
};
