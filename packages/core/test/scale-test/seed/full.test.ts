import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { simulate, stepsOf } from "../simulate.ts";
import { crashInWave3, expectSteadyProgress, MIN, reportNear, SEED_TIMEOUT } from "./seedRun.ts";

describe("full profile, full mode, 60 minutes (seed length)", () => {
  it.effect(
    "full, 60 minutes: Scale Ready YES, progress weighted by the parts' planned time",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate({ profile: "full" }, crashInWave3, "70 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.notes?.scale_ready).toBe("YES");
        expect(r.metrics["jobs/jobs.completed_count"]).toBe(280);
        const reports = r.world.reports;
        expectSteadyProgress(reports);
        expect(stepsOf(r.world).slice(0, 2)).toEqual(["preflight", "cache/setup"]);
        expect(stepsOf(r.world).at(-1)).toBe("verdict");
        // 5 minutes in: half-way through cache's sustain, ~8 % of the run (per-part weighting said 24 %)
        const early = reportNear(reports, 5 * MIN);
        expect(early.step).toBe("cache/sustain");
        expect(early.fraction).toBeGreaterThan(0.06);
        expect(early.fraction).toBeLessThan(0.1);
        // 40 minutes in: the memory soak, its own progress shown, about 20 minutes left
        const late = reportNear(reports, 40 * MIN);
        expect(late.step).toBe("memory/soak");
        expect(late.stepFraction).toBeCloseTo(15 / 35, 1);
        expect(late.remainingMs).toBeGreaterThan(18 * MIN);
        expect(late.remainingMs).toBeLessThan(24 * MIN);
      }),
    SEED_TIMEOUT,
  );
});
