import { Clock, Duration, Effect } from "effect";
import type {
  PreparedUpload,
  QueueSample,
  StoredUpload,
  UploadSpec,
} from "../profiles/uploads/data.ts";
import type { WriteReply } from "../services/writeReply.ts";
import type { WorldState } from "./world.ts";

/**
 * How the in-memory uploads behave: healthy by default (every chunk stored as sent, one
 * processing job per upload that completes a second after finalize); each switch breaks
 * one property.
 */
export interface UploadsModel {
  /** These chunks are stored with one byte changed (their recorded sha256 is the one sent). */
  readonly corrupt?: (index: number, n: number) => boolean;
  /** These uploads' finalize is refused (500). */
  readonly fail?: (index: number) => boolean;
  /** These uploads' job runs twice (two accepted finishes). */
  readonly twice?: (index: number) => boolean;
  /** ms per chunk sent at time `at` (default 40). */
  readonly chunkMs?: (at: number) => number;
}

interface Held {
  readonly index: number;
  readonly prepared: PreparedUpload;
  readonly chunks: Map<number, { size: number; sha256: string; actualSha256: string }>;
  finalizedAt: number | null;
  jobId: string | null;
}

const reply = (status: number, json: unknown = null, instanceId = "i1"): WriteReply => ({
  status,
  instanceId,
  bootId: `${instanceId}-boot`,
  errorCode: status >= 400 ? `HTTP_${status}` : null,
  retryAfterSec: null,
  json,
});

/** Stand-in digests: unique per (file, chunk), the same for the same bytes. */
export const fakePrepare = (spec: UploadSpec): PreparedUpload => {
  const count = Math.max(1, Math.ceil(spec.size / spec.chunkBytes));
  return {
    spec,
    sha256: `sha:${spec.filename}`,
    chunks: Array.from({ length: count }, (_, n) => ({
      n,
      size: Math.min(spec.chunkBytes, spec.size - n * spec.chunkBytes),
      sha256: `sha:${spec.filename}:${n}`,
    })),
  };
};

const JOB_MS = 1_000;

/** The `World`'s instances taking uploads round-robin; one table of uploads and a job queue. */
export const fakeUploads = (world: WorldState, model: UploadsModel = {}) => {
  const held = new Map<string, Held>();
  let cursor = 0;
  const next = () => world.instances[cursor++ % world.instances.length] ?? "i1";
  const jobDone = (h: Held, now: number) => h.finalizedAt !== null && now - h.finalizedAt >= JOB_MS;
  const intact = (h: Held) =>
    [...h.chunks.values()].every((c) => c.sha256 === c.actualSha256) &&
    h.chunks.size === h.prepared.chunks.length;

  return {
    source: "in-memory stand-in digests",
    prepare: (spec: UploadSpec) => Effect.sync(() => fakePrepare(spec)),
    create: (p: PreparedUpload) =>
      Effect.sync(() => {
        const id = `u-${held.size + 1}`;
        held.set(id, {
          index: p.spec.index,
          prepared: p,
          chunks: new Map(),
          finalizedAt: null,
          jobId: null,
        });
        return reply(201, { id }, next());
      }),
    putChunk: (p: PreparedUpload, uploadId: string, n: number) =>
      Effect.gen(function* () {
        const at = yield* Clock.currentTimeMillis;
        yield* Effect.sleep(Duration.millis(model.chunkMs?.(at) ?? 40));
        const h = held.get(uploadId);
        const c = p.chunks[n];
        if (!h || !c) return reply(404);
        const actual = model.corrupt?.(h.index, n) ? `${c.sha256}:flipped` : c.sha256;
        const again = h.chunks.has(n);
        h.chunks.set(n, { size: c.size, sha256: c.sha256, actualSha256: actual });
        return reply(again ? 200 : 201, { n, sha256: c.sha256 }, next());
      }),
    finalize: (uploadId: string) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) => {
          const h = held.get(uploadId);
          if (!h) return reply(404);
          if (model.fail?.(h.index)) return reply(500);
          if (!intact(h)) return reply(422);
          h.finalizedAt ??= now;
          h.jobId ??= `job-${uploadId}`;
          return reply(202, { jobId: h.jobId }, next());
        }),
      ),
    queue: Clock.currentTimeMillis.pipe(
      Effect.map(
        (now): QueueSample => ({
          at: now,
          pending: [...held.values()].filter((h) => h.finalizedAt !== null && !jobDone(h, now))
            .length,
          cap: 50,
        }),
      ),
    ),
    jobs: (ids: readonly string[]) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) =>
          ids.flatMap((id) => {
            const h = held.get(id);
            if (!h) return [];
            const status = h.jobId === null ? null : jobDone(h, now) ? "completed" : "running";
            return [{ id, jobStatus: status as StoredUpload["jobStatus"] }];
          }),
        ),
      ),
    stored: (ids: readonly string[]) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) =>
          ids.flatMap((id): StoredUpload[] => {
            const h = held.get(id);
            if (!h) return [];
            const done = jobDone(h, now);
            return [
              {
                id,
                status: h.finalizedAt === null ? "open" : "finalized",
                declaredSize: h.prepared.spec.size,
                declaredSha256: h.prepared.sha256,
                chunks: [...h.chunks].map(([n, c]) => ({ n, ...c })),
                jobs: h.jobId === null ? 0 : 1,
                jobStatus: h.jobId === null ? null : done ? "completed" : "running",
                jobVerified: done ? intact(h) : null,
                jobSha256: done ? h.prepared.sha256 : null,
                jobFinishes: done ? (model.twice?.(h.index) ? 2 : 1) : 0,
              },
            ];
          }),
        ),
      ),
  };
};
