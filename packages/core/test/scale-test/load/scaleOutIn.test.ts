import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { LevelEvidence } from "../../../src/scale-test/profiles/load/evidence.ts";
import type { ScaleOutInEvidence } from "../../../src/scale-test/profiles/load/scaleOutIn.ts";
import { judgeScaleOutIn } from "../../../src/scale-test/profiles/load/scaleOutInJudge.ts";
import { healthyLevel } from "../../../src/scale-test/testing/load.ts";
import { checkNamed } from "../simulate.ts";
import { simulateLoad } from "./simulateLoad.ts";

/** Scale-out and scale-in during the sustained level (issue 14 #5). */
describe("load profile: scale-out and scale-in under load (in memory, on the test clock)", () => {
  it.effect(
    "where the platform can, an instance joins the sustained level, serves, and is stopped",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", { scalable: true });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(checkNamed(r, "load.scale_out_in.done").actual).toBe("i3 added, then stopped");
        // 20 s at 10 req/s over three instances for part of it
        expect(checkNamed(r, "load.scale_out.served").actual).toBeGreaterThan(0);
        expect(checkNamed(r, "load.scale_in.failed_requests").actual).toBe(0);
        expect(r.world.instances).toEqual(["i1", "i2"]);
        // the level i3 joined and left is no capacity reading: the cluster's size is still 2
        expect(r.metrics["load.recommendation"]).toMatch(/per instance \(2 instances;/);
        // the recovery level after it is served by the two left
        const recovery = r.rows.find((x) => x.name === "recovery");
        expect(recovery?.verdict).toBe("PASS");
      }),
  );

  it.effect("requests failing while the instance leaves FAIL it, naming the level's counts", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        {
          level: (m, spec) =>
            spec.name === "sustained"
              ? { ...m, counts: { ...m.counts, answered: m.counts.answered - 2, failed: 2 } }
              : m,
        },
        "5 minutes",
        { scalable: true },
      );
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r, "load.scale_in.failed_requests");
      expect(c).toMatchObject({ actual: 2, pass: false });
      expect(c.detail).toBe("of 200 sent in the sustained level");
    }),
  );

  it.effect("where the runner cannot change the instance count: not measured, no check", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true });
      expect(r.metrics["load.scale_out_in"]).toBe(
        "not measured: this runner cannot change the instance count",
      );
      expect(r.checks.some((c) => c.name.startsWith("load.scale_"))).toBe(false);
    }),
  );

  it.effect("turned off in the run's params: neither run nor reported", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true, load: { scaleOutIn: false } }, {}, "5 minutes", {
        scalable: true,
      });
      expect(r.metrics["load.scale_out_in"]).toBeUndefined();
      expect(r.checks.some((c) => c.name.startsWith("load.scale_"))).toBe(false);
      expect(r.verdict).toBe("PASS");
    }),
  );
});

describe("the scale-out/in judge (pure)", () => {
  const sustained = (byInstance: Record<string, number>, failed = 0): LevelEvidence => {
    const m = healthyLevel(
      { name: "sustained", rate: 10, durationMs: 20_000, seed: 6 },
      ["i1", "i2", "i3"],
      0,
    );
    return {
      level: {
        name: "sustained",
        kind: "sustained",
        rate: 10,
        durationMs: 20_000,
        cooldownMs: 3_000,
        gate: { achievedPct: 95, p95Ms: 100, errorPassPct: 0.1, errorFailPct: 1 },
      },
      measure: {
        ...m,
        counts: { ...m.counts, failed },
        byInstance: Object.fromEntries(
          Object.entries(byInstance).map(([id, answered]) => [
            id,
            { bootIds: [`${id}-b`], answered, failed: 0, shed: 0 },
          ]),
        ),
      },
      resources: [],
      probes: [],
    };
  };
  const healthy: ScaleOutInEvidence = {
    added: "i3",
    addedAt: 4_000,
    stopped: "i3",
    stoppedAt: 15_000,
    error: null,
    stoppedAttempts: [
      { jobId: "j1", attempt: 1, outcome: "finish" },
      { jobId: "j2", attempt: 1, outcome: "released" },
    ],
    duplicates: 0,
    overlaps: 0,
  };
  const failing = (ev: ScaleOutInEvidence, level = sustained({ i1: 80, i2: 80, i3: 40 })) =>
    judgeScaleOutIn(ev, level)
      .checks.filter((c) => !c.pass)
      .map((c) => c.name);

  it("passes a join, a drain and a hand-back", () => {
    expect(failing(healthy)).toEqual([]);
    expect(judgeScaleOutIn(healthy, sustained({ i1: 80, i2: 80, i3: 40 })).metrics).toMatchObject({
      "load.scale_out.requests_served": 40,
      "load.scale_in.leases_released": 1,
    });
  });
  it("an added instance that never served fails (the balancer never took it in)", () => {
    expect(failing(healthy, sustained({ i1: 100, i2: 100 }))).toEqual(["load.scale_out.served"]);
  });
  it("one attempt on the stopped instance left to expire fails (its lease was not handed back)", () => {
    const ev = {
      ...healthy,
      stoppedAttempts: [
        ...healthy.stoppedAttempts,
        { jobId: "j3", attempt: 2, outcome: "died (lease expired)" },
      ],
    };
    expect(failing(ev)).toEqual(["load.scale_in.leases_handed_back"]);
  });
  it("a job finished twice fails", () => {
    expect(failing({ ...healthy, duplicates: 1 })).toEqual(["load.scale_out_in.jobs_once"]);
  });
  it("a platform that refused the stop fails, and says why", () => {
    const ev = {
      ...healthy,
      stopped: null,
      stoppedAt: null,
      error: "scale-in: the platform refused DELETE /instances/i3: 409",
    };
    const r = judgeScaleOutIn(ev, sustained({ i1: 80, i2: 80, i3: 40 }));
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
      "load.scale_out_in.done",
      "load.scale_in.leases_handed_back",
    ]);
    expect(r.metrics["load.scale_out_in"]).toBe(ev.error);
  });
});
