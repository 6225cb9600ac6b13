import { z } from "zod";
import { answer, memoryPoint } from "../../dataSchema.ts";
import type { SoakEvidence } from "./evidence.ts";

/** The memory profile's evidence as JSON (see `SoakEvidence`). */
export const soakEvidence: z.ZodType<SoakEvidence> = z.object({
  quick: z.boolean(),
  samples: z.array(memoryPoint),
  answers: z.array(answer),
  shedCounted: z.number(),
});
