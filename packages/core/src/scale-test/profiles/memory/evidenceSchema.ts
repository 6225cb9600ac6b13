import { z } from "zod";
import { answer, memoryPoint } from "../../dataSchema.ts";
import type { SoakEvidence } from "./evidence.ts";

/** The memory profile's evidence as JSON (see `SoakEvidence`). */
export const soakEvidence: z.ZodType<SoakEvidence> = z.object({
  quick: z.boolean(),
  leak: z.object({
    failAboveMbPerHour: z.number(),
    passBelowMbPerHour: z.number().nullable(),
    windowMs: z.number(),
    stepMs: z.number(),
    judged: z.array(z.enum(["heap", "off_heap", "external", "rss"])),
    spanCertified: z.array(z.enum(["heap", "off_heap", "external", "rss"])).optional(),
  }),
  soak: z.object({ from: z.number(), to: z.number() }),
  samples: z.array(memoryPoint),
  workload: z.object({
    requests: z.number(),
    servedMs: z.array(z.number()),
    shed: z.number(),
    failed: z.array(answer),
  }),
  shedCounted: z.number(),
  pressure: z.object({
    notApplied: z.string().nullable(),
    instanceId: z.string().nullable(),
    aboveShedBy: z.number().nullable(),
    armedAt: z.number().nullable(),
    releasedAt: z.number().nullable(),
    during: z.array(answer),
    light: z.array(answer),
    after: z.array(answer),
  }),
});
