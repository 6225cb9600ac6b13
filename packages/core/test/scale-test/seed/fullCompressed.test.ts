import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { fullPlan } from "../../../src/scale-test/profiles/full/plan.ts";
import { runInput } from "../../../src/scale-test/schema.ts";
import { cleanHistory, withCrash } from "../../../src/scale-test/testing/jobs.ts";
import { checkNamed, simulate } from "../simulate.ts";
import { SEED_TIMEOUT } from "./seedRun.ts";

const stepMs = (durationMin: number | undefined, name: string) =>
  fullPlan(runInput.parse({ profile: "full", ...(durationMin ? { durationMin } : {}) })).find(
    (s) => s.name === name,
  )?.ms;

describe("full profile, full mode compressed to 9 minutes (the CI run)", () => {
  it("the scaling measurement scales with the duration: 2 x 60 s at the seed's 60 min, 2 x 9 s at 9", () => {
    expect(stepMs(undefined, "scaling")).toBe(120_000);
    expect(stepMs(60, "scaling")).toBe(120_000);
    expect(stepMs(9, "scaling")).toBe(18_000);
    // never below the quick run's 5 s, never above the seed's 60 s
    expect(stepMs(2, "scaling")).toBe(10_000);
    expect(stepMs(240, "scaling")).toBe(120_000);
    expect(stepMs(9, "jobs/execute")).toBe(135_000 - 4_000);
    expect(stepMs(9, "memory/soak")).toBe(315_000 - 63_000);
  });

  it.effect(
    "healthy: PASS with 2 job waves, 2+ memory windows and the scaling measured for 9 s each",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate(
          { profile: "full", durationMin: 9 },
          // the crash fault's mark on the first job of wave 2 (ids 21-40)
          { jobHistory: (ids) => withCrash(cleanHistory(ids), "21"), scalable: true },
          "14 minutes",
        );
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        if (r.evidence?.profile !== "full") throw new Error("no full evidence");
        const jobs = r.evidence.parts.find((p) => p.profile === "jobs");
        if (jobs?.profile !== "jobs") throw new Error("no jobs evidence");
        expect(jobs.jobs.waves.map((w) => w.accepted.length)).toEqual([20, 20]);
        expect(checkNamed(r, "jobs/jobs.completed").actual).toBe(40);
        // a 252-s soak: 126-s windows every 63 s
        expect(checkNamed(r, "memory/memory.leak.heap").detail).toMatch(
          /0\/[2-9] windows above the FAIL line/,
        );
        expect(r.evidence.scaling?.ratePerS).toBe(30);
        // 30 req/s for 9 s with one instance, then with all
        expect(r.evidence.scaling?.one).toHaveLength(270);
        expect(r.evidence.scaling?.all).toHaveLength(270);
        expect(r.world.limits).toEqual([1, null, null]);
      }),
    SEED_TIMEOUT,
  );
});
