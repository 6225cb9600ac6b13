import { z } from "zod";
import { memoryPoint } from "../../dataSchema.ts";
import type { ChunkDigest, QueueSample, StoredUpload } from "./data.ts";
import type { UploadRecord, UploadsEvidence } from "./evidence.ts";

const n = z.number();
const span = z.object({ from: n, to: n });

const chunkDigest: z.ZodType<ChunkDigest> = z.object({ n, size: n, sha256: z.string() });

const uploadRecord: z.ZodType<UploadRecord> = z.object({
  index: n,
  phase: z.enum(["concurrent", "soak"]),
  filename: z.string(),
  size: n,
  sha256: z.string(),
  chunks: z.array(chunkDigest),
  id: z.string().nullable(),
  startedAt: n,
  endedAt: n,
  jobId: z.string().nullable(),
  failure: z.string().nullable(),
  acked: z.array(n),
  retries: n,
  instances: z.array(z.string()),
});

const storedUpload: z.ZodType<StoredUpload> = z.object({
  id: z.string(),
  status: z.enum(["open", "finalized"]),
  declaredSize: n,
  declaredSha256: z.string(),
  chunks: z.array(z.object({ n, size: n, sha256: z.string(), actualSha256: z.string() })),
  jobs: n,
  jobStatus: z.enum(["queued", "running", "completed", "failed"]).nullable(),
  jobVerified: z.boolean().nullable(),
  jobSha256: z.string().nullable(),
  jobFinishes: n,
});

const queueSample: z.ZodType<QueueSample> = z.object({ at: n, pending: n, cap: n });

/**
 * The uploads profile's evidence as JSON (see `UploadsEvidence`): every upload with its
 * chunks' digests as sent and as stored, the queue samples, the instances' memory samples.
 */
export const uploadsEvidence: z.ZodType<UploadsEvidence> = z.object({
  source: z.string(),
  bounds: z.object({
    concurrent: n,
    size: n,
    chunkBytes: n,
    failuresMax: n,
    rssPassMb: n,
    rssFailMb: n,
    soakUploads: n,
    soakMs: n,
    soakFailurePct: n,
    soakTimeDriftPct: n,
    rssPolicy: z.object({
      by: z.enum(["windows", "slope"]),
      failAbovePerHour: n,
      passBelowPerHour: n,
      windowMs: n,
      stepMs: n,
    }),
  }),
  burst: span,
  soak: span.nullable(),
  uploads: z.array(uploadRecord),
  stored: z.array(storedUpload),
  queue: z.array(queueSample),
  memory: z.array(memoryPoint),
});
