import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { checkNamed, simulate } from "../simulate.ts";
import { crashInWave3, expectSteadyProgress, MIN, reportNear, SEED_TIMEOUT } from "./seedRun.ts";

describe("jobs profile, full mode, 15 minutes (seed length)", () => {
  it.effect(
    "jobs, 15 minutes: 14 waves of 20, a crash in wave 3, PASS expecting 280 completed (not 540)",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate({ profile: "jobs" }, crashInWave3, "20 minutes");
        expect(r.metrics["jobs.waves_count"]).toBe(14);
        expect(r.world.enqueued).toHaveLength(280);
        expect(checkNamed(r, "jobs.completed")).toMatchObject({ expected: "= 280", actual: 280 });
        expect(checkNamed(r, "crash.job_retried_after_lease_expiry").detail).toMatch(/^job 41: /);
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        const reports = r.world.reports;
        expectSteadyProgress(reports);
        expect(reportNear(reports, 7 * MIN)).toMatchObject({ step: "execute" });
        expect(reportNear(reports, 7 * MIN).fraction).toBeCloseTo(0.47, 1);
      }),
    SEED_TIMEOUT,
  );
});
