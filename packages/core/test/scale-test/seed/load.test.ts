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

describe("load profile, full mode compressed (durationMin scales every duration)", () => {
  it("durationMin 4 plans the seed's ladder at 4/32 of its length; 32 is the seed's", () => {
    const plan = loadPlan(runInput.parse({ profile: "load", durationMin: 4 }));
    expect(plan.map((s) => `${s.name}:${s.ms / 1000}`)).toEqual([
      "setup:2",
      "baseline:7.5",
      "baseline.cooldown:3.75",
      "5rps:22.5",
      "5rps.cooldown:3.75",
      "10rps:22.5",
      "10rps.cooldown:3.75",
      "25rps:22.5",
      "25rps.cooldown:3.75",
      "50rps:22.5",
      "50rps.cooldown:3.75",
      "sustained:112.5",
      "sustained.cooldown:3.75",
      "recovery:7.5",
      "collect:20",
      "verdict:0",
    ]);
    const seed = loadPlan(runInput.parse({ profile: "load" }));
    expect(loadPlan(runInput.parse({ profile: "load", durationMin: 32 }))).toEqual(seed);
    // a field given keeps its value; the others still scale
    const given = loadPlan(
      runInput.parse({ profile: "load", durationMin: 4, load: { sustainedDurationS: 30 } }),
    );
    expect(given.find((s) => s.name === "sustained")?.ms).toBe(30_000);
    expect(given.find((s) => s.name === "5rps")?.ms).toBe(22_500);
  });

  it.effect(
    "durationMin 4: PASSes every level at its scaled length, the sustained level 112.5 s",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ durationMin: 4 }, {}, "6 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.rows.map((x) => [x.name, x.durationS])).toEqual([
          ["baseline", 7.5],
          ["5rps", 22.5],
          ["10rps", 22.5],
          ["25rps", 22.5],
          ["50rps", 22.5],
          ["sustained", 112.5],
          ["recovery", 7.5],
        ]);
        expect(r.rows.find((x) => x.name === "sustained")?.counts?.answered).toBe(1_125);
      }),
    SEED_TIMEOUT,
  );

  it.effect(
    "durationMin 4: answers slowing down in the sustained level still FAIL its p95 gate",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad(
          { durationMin: 4 },
          {
            level: (m, spec) =>
              spec.name === "sustained" ? { ...m, latencyMs: { ...m.latencyMs, p95: 140 } } : m,
          },
          "6 minutes",
        );
        expect(r.verdict).toBe("FAIL");
        expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
          "load.sustained.p95",
          "load.zone.p95",
        ]);
      }),
    SEED_TIMEOUT,
  );
});
