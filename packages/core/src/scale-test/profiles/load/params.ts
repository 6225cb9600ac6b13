import { z } from "zod";

/**
 * The `load` profile's parameters (`load: {...}` in a run's input). Every field is
 * optional: left out, it takes the seed's value (seed 001's ladder and gates, seed 002's
 * baseline and zones), scaled down in quick mode where it is a duration (see settings.ts).
 */
const pct = z.number().min(0).max(100);
const rate = z.number().positive().max(10_000);
const seconds = (max: number) => z.number().positive().max(max);

/** `[risk, fail]`: below `risk` STABLE, from `risk` to `fail` RISK, above `fail` FAIL. */
const bounds = z
  .tuple([z.number().nonnegative(), z.number().nonnegative()])
  .refine(([risk, fail]) => risk <= fail, "the RISK bound must not be above the FAIL bound");

const weight = z.number().min(0).max(1_000);

export const loadParams = z
  .strictObject({
    /** The ladder's offered rates, req/s, increasing (seed 001: 5, 10, 25, 50). */
    levels: z
      .array(rate)
      .min(1)
      .max(12)
      .refine((ls) => ls.every((r, i) => i === 0 || r > (ls[i - 1] ?? 0)), "levels must increase")
      .optional(),
    /** Each ladder level's length, s (seed: 180; quick: 10; full runs scale the seed's by durationMin / 32). */
    levelDurationS: seconds(3_600).optional(),
    /** The pause after each level, s (seed: 30; quick: 3; scaled by durationMin / 32). */
    cooldownS: z.number().min(0).max(600).optional(),
    /** Gate: achieved / offered at least this %, one value for every level or one per level (seed: 96, 95, 92, 90). */
    achievedPct: z.array(pct).min(1).max(12).optional(),
    /** Gate: p95 below this, ms, one for every level or one per level (seed: 50, 75, 150, 300). */
    p95Ms: z.array(z.number().positive().max(60_000)).min(1).max(12).optional(),
    /** Gate: an error rate below this % passes (seed: 0.1)... */
    errorPassPct: pct.optional(),
    /** ...above this % fails (seed: 1); between the two it is RISK. */
    errorFailPct: pct.optional(),
    /** Baseline before the ladder (seed 002: 1 req/s, p95 < 50 ms), and the recovery level after it. */
    baselineRps: rate.optional(),
    /** s (default 60; quick: 10; scaled by durationMin / 32). */
    baselineDurationS: seconds(3_600).optional(),
    baselineP95Ms: z.number().positive().max(60_000).optional(),
    /** The sustained level after the ladder (seed 001: 10 req/s for 15 min, p95 < 100 ms). */
    sustainedRps: rate.optional(),
    /** s (seed: 900; quick: 20; scaled by durationMin / 32 when this is left out). */
    sustainedDurationS: seconds(4 * 3_600).optional(),
    sustainedP95Ms: z.number().positive().max(60_000).optional(),
    /** During the sustained level, add an instance, then drain and stop it (default: on, where the platform can). */
    scaleOutIn: z.boolean().optional(),
    /** After the recovery level, step the rate up x1.5 until a level fails its gates. */
    findCapacity: z.boolean().optional(),
    /** The search's first rate (default: the ladder's top rate x1.5). */
    capacityStartRps: rate.optional(),
    /** The search stops here if nothing failed (default 2,000). */
    capacityMaxRps: rate.optional(),
    /** The runner offered a rate when 95 % of its sends were within this of their intended time, ms (default 50). */
    runnerLagMs: z.number().positive().max(60_000).optional(),
    /** Traffic mix, relative weights (default 18 : 1 : 1). */
    mix: z
      .strictObject({ barsCached: weight, barsNew: weight, backtests: weight })
      .refine((m) => m.barsCached + m.barsNew + m.backtests > 0, "the mix needs a weight above 0")
      .optional(),
    /** Zone bounds per signal, `[risk, fail]` (seed 002's by default; see zones.ts); error rate's are the gate's. */
    zones: z
      .strictObject({
        cpuPct: bounds,
        memoryPct: bounds,
        p95Ms: bounds,
        eventLoopP99Ms: bounds,
        requestsInFlight: bounds,
        dbWaiting: bounds,
      })
      .partial()
      .optional(),
  })
  .superRefine((p, ctx) => {
    const n = p.levels?.length ?? 4;
    for (const field of ["achievedPct", "p95Ms"] as const) {
      const given = p[field]?.length;
      if (given !== undefined && given !== 1 && given !== n) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `give one value or one per level (${n})`,
        });
      }
    }
    if (
      p.errorPassPct !== undefined &&
      p.errorFailPct !== undefined &&
      p.errorPassPct > p.errorFailPct
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["errorPassPct"],
        message: "must not be above errorFailPct",
      });
    }
  });

export type LoadParams = z.output<typeof loadParams>;
