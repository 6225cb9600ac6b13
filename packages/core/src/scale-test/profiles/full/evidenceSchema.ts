import { z } from "zod";
import { answer } from "../../dataSchema.ts";
import type { ScalingEvidence } from "./evidence.ts";

/** The full profile's scaling measurement as JSON (see `ScalingEvidence`). */
export const scalingEvidence: z.ZodType<ScalingEvidence> = z.object({
  ratePerS: z.number(),
  one: z.array(answer),
  all: z.array(answer),
});
