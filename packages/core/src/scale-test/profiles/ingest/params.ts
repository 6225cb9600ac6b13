import { z } from "zod";

const pct = z.number().min(0).max(100);
const MAX_LEVELS = 8;

/**
 * The `ingest` profile's parameters (`ingest: {...}` in a run's input). Every field is
 * optional: left out, it takes seed 001's value (ladder, gates), shortened in quick mode.
 */
export const ingestParams = z
  .strictObject({
    /** Snapshots per second offered at each level, increasing (seed 001: 5, 10, 25, 50). */
    levels: z
      .array(z.number().positive().max(1_000))
      .min(1)
      .max(MAX_LEVELS)
      .refine((ls) => ls.every((r, i) => i === 0 || r > (ls[i - 1] ?? 0)), "levels must increase")
      .optional(),
    /** Each level's length, s (seed: 180; quick: 5). */
    levelDurationS: z.number().positive().max(3_600).optional(),
    /** Gate: acknowledged / offered at least this %, one for every level or one per level (seed: 96, 95, 92, 90). */
    achievedPct: z.array(pct).min(1).max(MAX_LEVELS).optional(),
    /** Gate: each level's flush lag p95 (sampled from every instance's stats) at most this, ms (default 500). */
    flushLagP95Ms: z.number().positive().max(600_000).optional(),
    /** Gate: rows waiting in one instance's buffer at most this many (default 500, one flush's worth). */
    bufferMaxRows: z.number().int().positive().max(1_000_000).optional(),
    /** SIGKILL one instance (never the runner's) mid-run; needs fault injection (default true). */
    crash: z.boolean().optional(),
    /** The level, counted from 0, in whose middle the crash comes (default: the third, or the last). */
    crashLevel: z
      .number()
      .int()
      .min(0)
      .max(MAX_LEVELS - 1)
      .optional(),
  })
  .superRefine((p, ctx) => {
    const n = p.levels?.length ?? 4;
    const given = p.achievedPct?.length;
    if (given !== undefined && given !== 1 && given !== n) {
      ctx.addIssue({
        code: "custom",
        path: ["achievedPct"],
        message: `one value, or one per level (${n})`,
      });
    }
    if (p.crashLevel !== undefined && p.crashLevel >= n) {
      ctx.addIssue({ code: "custom", path: ["crashLevel"], message: `no level ${p.crashLevel}` });
    }
  });
export type IngestParams = z.output<typeof ingestParams>;
