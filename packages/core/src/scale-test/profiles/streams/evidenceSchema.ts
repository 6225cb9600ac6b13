import { z } from "zod";
import type { StreamsEvidence } from "./evidence.ts";

const n = z.number();
const readings = z.array(z.object({ instanceId: z.string(), at: n, queries: n.nullable() }));

/** The streams profile's evidence as JSON (see `StreamsEvidence`): every stream's fate, the heap series, the query counters. */
export const streamsEvidence: z.ZodType<StreamsEvidence> = z.object({
  connections: n,
  holdMs: n,
  streams: z.array(
    z.object({
      instanceId: z.string().nullable(),
      events: n,
      dropped: z.boolean(),
      detail: z.string().nullable(),
    }),
  ),
  heap: z.array(
    z.object({
      instanceId: z.string(),
      series: z.enum(["postGcHeap", "heapUsed"]),
      points: z.array(z.object({ t: n, y: n })),
    }),
  ),
  queries: z.object({
    source: z.literal("metrics"),
    holdStart: readings,
    holdEnd: readings,
    baselineStart: readings,
    baselineEnd: readings,
  }),
});
