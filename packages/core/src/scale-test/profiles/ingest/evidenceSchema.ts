import { z } from "zod";
import { instantRange } from "../../dataSchema.ts";
import type { IngestStatsSample, StoredSnapshot } from "./data.ts";
import type { IngestEvidence, SendRecord } from "./evidence.ts";

const n = z.number();

const sendRecord: z.ZodType<SendRecord> = z.object({
  seq: n,
  id: z.string(),
  level: n,
  hash: z.string(),
  intendedAt: n,
  answers: z.array(z.union([n, z.literal("unreachable")])),
  ackedAt: n.nullable(),
  ackedBy: z.string().nullable(),
  outcome: z.enum(["stored", "duplicate"]).nullable(),
  refusal: z.string().nullable(),
});

const statsSample: z.ZodType<IngestStatsSample> = z.object({
  at: n,
  instanceId: z.string(),
  bootId: z.string(),
  rows: n,
  oldestAgeMs: n.nullable(),
  flushes: n,
  lastFlushLagMs: n.nullable(),
  ackedBeforeFlush: n,
});

const storedSnapshot: z.ZodType<StoredSnapshot> = z.object({
  id: z.string(),
  seq: n.nullable(),
  storedHash: z.string(),
  rowHash: z.string(),
  instanceId: z.string(),
});

/**
 * The ingest profile's evidence as JSON (see `IngestEvidence`): every send with every
 * attempt's answer, every stats sample, every stored row of the run. About 450 bytes a
 * snapshot (seed 001's full ladder, 16,200 snapshots: ~7 MB).
 */
export const ingestEvidence: z.ZodType<IngestEvidence> = z.object({
  range: instantRange,
  instrument: z.string(),
  bars: n,
  bounds: z.object({ flushLagP95Ms: n, bufferMaxRows: n, ackTimeoutMs: n }),
  levels: z.array(z.object({ index: n, rate: n, durationMs: n, gatePct: n, startedAt: n })),
  sends: z.array(sendRecord),
  stats: z.array(statsSample),
  stored: z.array(storedSnapshot),
  crash: z.object({
    requested: z.boolean(),
    notApplied: z.string().nullable(),
    victim: z.string().nullable(),
    level: n,
    armedAt: n.nullable(),
    bootBefore: z.string().nullable(),
    bootAfter: z.string().nullable(),
    backAt: n.nullable(),
  }),
});
