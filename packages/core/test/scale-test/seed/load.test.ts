import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { loadPlan } from "../../../src/scale-test/profiles/load/plan.ts";
import { plannedMs } from "../../../src/scale-test/progress/plan.ts";
import { runInput } from "../../../src/scale-test/schema.ts";
import { simulateLoad } from "../load/simulateLoad.ts";
import { checkNamed } from "../simulate.ts";
import { expectSteadyProgress, MIN, reportNear, SEED_TIMEOUT } from "./seedRun.ts";

describe("load profile, full mode, seed durations", () => {
  it("plans the seed's ladder: 1 min baseline, 4 x (3 min + 30 s), 15 min sustained, recovery", () => {
    const plan = loadPlan(runInput.parse({ profile: "load" }));
    expect(plan.map((s) => `${s.name}:${s.ms / 1000}`)).toEqual([
      "setup:2",
      "baseline:60",
      "baseline.cooldown:30",
      "5rps:180",
      "5rps.cooldown:30",
      "10rps:180",
      "10rps.cooldown:30",
      "25rps:180",
      "25rps.cooldown:30",
      "50rps:180",
      "50rps.cooldown:30",
      "sustained:900",
      "sustained.cooldown:30",
      "recovery:60",
      "collect:20",
      "verdict:0",
    ]);
    expect(plannedMs(plan)).toBe(1_942_000);
  });

  it.effect(
    "PASSes a healthy cluster over 32 simulated minutes, reporting each level as it runs",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({}, {}, "33 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.rows.map((x) => [x.name, x.durationS])).toEqual([
          ["baseline", 60],
          ["5rps", 180],
          ["10rps", 180],
          ["25rps", 180],
          ["50rps", 180],
          ["sustained", 900],
          ["recovery", 60],
        ]);
        // 9,000 requests at 10 req/s for 15 min, all answered
        expect(r.rows.find((x) => x.name === "sustained")?.counts?.answered).toBe(9_000);
        const mid = reportNear(r.world.reports, 20 * MIN);
        expect(mid.step).toBe("sustained");
        expect(mid.stepFraction).toBeCloseTo((20 * 60 - 930) / 900, 1);
        expectSteadyProgress(r.world.reports);
        // samples every 10 s: 17 or 18 per instance in each 3-minute level
        expect(checkNamed(r, "load.zone.cpu").detail).toMatch(
          /^baseline 3\.\d; 5rps 6; 10rps 9; 25rps 18; 50rps 33/,
        );
      }),
    SEED_TIMEOUT,
  );

  it.effect(
    "answers slowing down in the sustained level FAIL its p95 gate, naming the level",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad(
          {},
          {
            level: (m, spec) =>
              spec.name === "sustained" ? { ...m, latencyMs: { ...m.latencyMs, p95: 140 } } : m,
          },
          "33 minutes",
        );
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "load.sustained.p95")).toMatchObject({
          step: "sustained",
          expected: "< 100 ms",
          actual: 140,
          pass: false,
        });
        expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
          "load.sustained.p95",
          "load.zone.p95",
        ]);
      }),
    SEED_TIMEOUT,
  );
});
