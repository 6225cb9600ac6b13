import { z } from "zod";

const mb = z
  .number()
  .positive()
  .max(1_024 * 64);

/**
 * The `uploads` profile's parameters (`uploads: {...}` in a run's input). Every field is
 * optional: left out, it takes seed 004's value, smaller and shorter in quick mode.
 */
export const uploadsParams = z
  .strictObject({
    /** Uploads at once (seed 004: 12). */
    concurrent: z.number().int().min(1).max(64).optional(),
    /** Each upload's size, MB (seed: 100; quick: 10). */
    sizeMb: z.number().positive().max(1_024).optional(),
    /** Chunk size, MB (default 4; never above the instance's chunk cap). */
    chunkMb: z.number().positive().max(64).optional(),
    /** Failed uploads at once: 0 PASS, up to this RISK, more FAIL (seed: 3). */
    failuresMax: z.number().int().min(0).max(64).optional(),
    /** The cluster's peak rss (each instance's peak, summed), MB: PASS below (seed: 2048)... */
    rssPassMb: mb.optional(),
    /** ...FAIL above (seed: 3072), RISK between. */
    rssFailMb: mb.optional(),
    /** Soak: uploads one after another (seed: 50; quick: 12; 0 skips the soak)... */
    soakUploads: z.number().int().min(0).max(10_000).optional(),
    /** ...spread over this long, s (seed: 7200; quick: 60; a run's durationMin sets it when left out). */
    soakDurationS: z
      .number()
      .positive()
      .max(4 * 3_600)
      .optional(),
    /** Soak gate: failed uploads at most this % (seed: 5). */
    soakFailurePct: z.number().min(0).max(100).optional(),
    /** Soak gate: median upload time of the last window within this % of the first's (seed: 20). */
    soakTimeDriftPct: z.number().positive().max(1_000).optional(),
  })
  .refine((p) => (p.rssPassMb ?? 2_048) <= (p.rssFailMb ?? 3_072), {
    message: "the PASS line must not be above the FAIL line",
    path: ["rssPassMb"],
  });
export type UploadsParams = z.output<typeof uploadsParams>;
