import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { simulate } from "../simulate.ts";
import { expectSteadyProgress, MIN, reportNear, SEED_TIMEOUT } from "./seedRun.ts";

describe("cache profile, full mode, 10 minutes (seed length)", () => {
  it.effect(
    "cache, 10 minutes: PASS; the sustain fills the run and its progress is shown",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate({ profile: "cache" }, {}, "12 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.metrics.requests_count).toBeGreaterThan(1100);
        const reports = r.world.reports;
        expectSteadyProgress(reports);
        const half = reportNear(reports, 5 * MIN);
        expect(half.step).toBe("sustain");
        expect(half.stepFraction).toBeCloseTo(0.5, 1);
        expect(half.fraction).toBeCloseTo(0.5, 1);
        expect(half.remainingMs).toBeGreaterThan(4.5 * MIN);
        expect(half.remainingMs).toBeLessThan(5.5 * MIN);
        expect(reports.at(-1)?.step).toBe("verdict");
      }),
    SEED_TIMEOUT,
  );
});
