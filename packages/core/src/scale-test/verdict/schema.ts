import { z } from "zod";
import { preflightEvidence } from "../preflight/evidenceSchema.ts";
import { cacheEvidence } from "../profiles/cache/evidenceSchema.ts";
import { dbEvidence } from "../profiles/db/evidenceSchema.ts";
import { scalingEvidence } from "../profiles/full/evidenceSchema.ts";
import { ingestEvidence } from "../profiles/ingest/evidenceSchema.ts";
import { jobsEvidence } from "../profiles/jobs/evidenceSchema.ts";
import { loadEvidence } from "../profiles/load/evidenceSchema.ts";
import { soakEvidence } from "../profiles/memory/evidenceSchema.ts";
import { streamsEvidence } from "../profiles/streams/evidenceSchema.ts";
import { uploadsEvidence } from "../profiles/uploads/evidenceSchema.ts";
import type { PartEvidence, PreflightRecord, RunEvidence } from "./evidence.ts";

const part = z.discriminatedUnion("profile", [
  z.object({ profile: z.literal("cache"), cache: cacheEvidence }),
  z.object({ profile: z.literal("jobs"), jobs: jobsEvidence }),
  z.object({ profile: z.literal("memory"), memory: soakEvidence }),
]);
export const partEvidence: z.ZodType<PartEvidence> = part;

const preflight: z.ZodType<PreflightRecord> = z.object({
  evidence: preflightEvidence,
  exhaustion: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
});
const around = { preflight: preflight.exactOptional() };

/**
 * A run's evidence as JSON (`RunEvidence`): what the export's `evidence` holds. Plain
 * numbers, strings and booleans only (instants are ms since the epoch), so a parsed
 * document serialises back to the same JSON.
 */
export const runEvidence: z.ZodType<RunEvidence> = z.discriminatedUnion("profile", [
  z.object({ profile: z.literal("cache"), cache: cacheEvidence, ...around }),
  z.object({ profile: z.literal("jobs"), jobs: jobsEvidence, ...around }),
  z.object({ profile: z.literal("memory"), memory: soakEvidence, ...around }),
  z.object({ profile: z.literal("load"), load: loadEvidence, ...around }),
  z.object({ profile: z.literal("db"), db: dbEvidence, ...around }),
  z.object({ profile: z.literal("ingest"), ingest: ingestEvidence, ...around }),
  z.object({ profile: z.literal("uploads"), uploads: uploadsEvidence, ...around }),
  z.object({ profile: z.literal("streams"), streams: streamsEvidence, ...around }),
  z.object({
    profile: z.literal("full"),
    parts: z.array(part),
    scaling: scalingEvidence.nullable(),
    ...around,
  }),
]);
