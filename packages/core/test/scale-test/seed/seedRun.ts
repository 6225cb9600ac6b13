import { expect } from "@effect/vitest";
import type { ProgressReport } from "../../../src/scale-test/progress/plan.ts";
import { cleanHistory, withCrash } from "../../../src/scale-test/testing/jobs.ts";
import type { WorldOptions } from "../../../src/scale-test/testing/world.ts";

/**
 * Helpers for running every profile's full (non-quick) mode at its seed duration, on the
 * test clock against the in-memory system: minutes of simulated time in milliseconds.
 */
export const MIN = 60_000;

/** Generous: a simulated hour takes about a second alone, several on a busy shared machine. */
export const SEED_TIMEOUT = 60_000;

/** The crash fault's mark on the first job of wave 3 (ids 41-60 with 20 jobs a wave). */
export const crashInWave3: WorldOptions = {
  jobHistory: (ids) => withCrash(cleanHistory(ids), "41"),
};

/** Progress only moves forward and stays within 0..1. */
export const expectSteadyProgress = (reports: readonly ProgressReport[]) => {
  reports.forEach((r, i) => {
    const prev = reports[i - 1];
    if (prev) expect(r.fraction).toBeGreaterThanOrEqual(prev.fraction - 1e-9);
    expect(r.fraction).toBeGreaterThanOrEqual(0);
    expect(r.fraction).toBeLessThanOrEqual(1);
  });
};

/** The report closest to `ms` after the start. */
export const reportNear = (reports: readonly ProgressReport[], ms: number) =>
  reports.reduce((best, r) =>
    Math.abs(r.elapsedMs - ms) < Math.abs(best.elapsedMs - ms) ? r : best,
  );
