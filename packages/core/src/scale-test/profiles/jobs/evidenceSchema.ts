import { z } from "zod";
import {
  EXECUTION_EVENT_KINDS,
  type ExecutionEvent,
  type JobRecord,
} from "../../../jobs/events.ts";
import { instantRange } from "../../dataSchema.ts";
import type { JobsEvidence } from "./evidence.ts";

const jobRecord: z.ZodType<JobRecord> = z.object({
  id: z.string(),
  status: z.enum(["queued", "running", "completed", "failed"]),
  attemptCount: z.number(),
});

const executionEvent: z.ZodType<ExecutionEvent> = z.object({
  jobId: z.string(),
  attempt: z.number(),
  // every kind the queue records: a drained worker's "released" too
  kind: z.enum(EXECUTION_EVENT_KINDS),
  at: z.number(),
  instanceId: z.string(),
  bootId: z.string(),
  previousLeaseExpiresAt: z.number().nullable().exactOptional(),
});

/** The jobs profile's evidence as JSON (see `JobsEvidence`). */
export const jobsEvidence: z.ZodType<JobsEvidence> = z.object({
  range: instantRange,
  armed: z.array(z.string()),
  notArmed: z.array(z.string()),
  jobsPerWave: z.number(),
  waves: z.array(z.object({ accepted: z.array(z.string()), refused: z.array(z.string()) })),
  ended: z.number(),
  history: z.object({ jobs: z.array(jobRecord), events: z.array(executionEvent) }),
  restart: z
    .object({ instanceId: z.string(), crashedBoot: z.string(), seenBoot: z.string().nullable() })
    .nullable(),
  pgRestart: z
    .object({
      notRun: z.string().nullable(),
      window: z.object({ downAt: z.number(), upAt: z.number() }).nullable(),
      stream: z
        .object({
          accepted: z.array(z.object({ id: z.string(), at: z.number() })),
          refused: z.array(z.string()),
          queueFull: z.number(),
        })
        .optional(),
    })
    .optional(),
});
