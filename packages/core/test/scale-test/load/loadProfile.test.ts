import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { rejudge } from "../../../src/scale-test/verdict/rejudge.ts";
import { runEvidence } from "../../../src/scale-test/verdict/schema.ts";
import { checkNamed, stepsOf } from "../simulate.ts";
import { withErrors } from "./recordedLoad.ts";
import { simulateLoad } from "./simulateLoad.ts";

describe("load profile (quick, in memory, on the test clock)", () => {
  it.effect("PASSes a healthy 2-instance cluster: every level, in order, with its cooldown", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true });
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(r.rows.map((x) => `${x.name}@${x.offeredRps}`)).toEqual([
        "baseline@1",
        "5rps@5",
        "10rps@10",
        "25rps@25",
        "50rps@50",
        "sustained@10",
        "recovery@1",
      ]);
      expect(r.rows.every((x) => x.status === "judged" && x.verdict === "PASS")).toBe(true);
      expect(stepsOf(r.world).filter((s) => s !== "preflight")).toEqual([
        "setup",
        "baseline",
        "baseline.cooldown",
        "5rps",
        "5rps.cooldown",
        "10rps",
        "10rps.cooldown",
        "25rps",
        "25rps.cooldown",
        "50rps",
        "50rps.cooldown",
        "sustained",
        "sustained.cooldown",
        "recovery",
        "collect",
        "verdict",
      ]);
      // seed gates, per level
      expect(checkNamed(r, "load.25rps.achieved").expected).toBe(">= 92 % of 25 req/s offered");
      expect(checkNamed(r, "load.50rps.p95").expected).toBe("< 300 ms");
      expect(checkNamed(r, "load.baseline.p95").expected).toBe("< 50 ms");
      expect(checkNamed(r, "load.sustained.p95").expected).toBe("< 100 ms");
      expect(checkNamed(r, "load.zone.cpu").actual).toBe("STABLE");
      expect(r.notes?.["load.recommendation"]).toMatch(/^scale out above 25 req\/s per instance/);
    }),
  );

  it.effect(
    "publishes each level's row as it starts and again once judged (the UI shows it live)",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true });
        expect(r.world.checks.filter((c) => c.name === "load.5rps.p95")).toHaveLength(1);
        // the last published value of each row is the judged one
        expect(r.rows.find((x) => x.name === "sustained")?.status).toBe("judged");
        expect(r.world.metrics["load.level.5rps"]).toBe(r.series?.["load.level.5rps"]);
      }),
  );

  it.effect("custom ladder, durations and gates from the params", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        {
          quick: true,
          load: { levels: [2, 4], levelDurationS: 4, cooldownS: 1, p95Ms: [5], achievedPct: [99] },
        },
        {},
        "2 minutes",
      );
      expect(r.rows.map((x) => x.name)).toEqual([
        "baseline",
        "2rps",
        "4rps",
        "sustained",
        "recovery",
      ]);
      expect(r.rows.find((x) => x.name === "4rps")?.durationS).toBe(4);
      // the healthy model's p95 is 8 ms: over a 5 ms gate
      expect(checkNamed(r, "load.4rps.p95").pass).toBe(false);
      expect(checkNamed(r, "load.4rps.achieved").expected).toBe(">= 99 % of 4 req/s offered");
      expect(r.verdict).toBe("FAIL");
    }),
  );

  it.effect("finds capacity: x1.5 from the ladder's top until a level fails, per instance", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true, load: { findCapacity: true } },
        {
          // the cluster serves up to ~150 req/s; above it, answers lag and errors come
          level: (m) =>
            m.offeredRate > 150
              ? {
                  ...m,
                  achievedRate: 150,
                  counts: { ...m.counts, answered: 1500, failed: m.counts.sent - 1500 },
                  latencyMs: { ...m.latencyMs, p95: 900 },
                }
              : m.offeredRate > 100
                ? { ...m, latencyMs: { ...m.latencyMs, p95: 60 } }
                : m,
        },
        "10 minutes",
      );
      // 75, 112.5 -> 113 (113 x 1.5 = 169.5 -> 170) fails
      expect(r.rows.filter((x) => x.kind === "capacity").map((x) => x.offeredRps)).toEqual([
        75, 113, 170,
      ]);
      expect(r.metrics["load.capacity_rps"]).toBe(113);
      expect(r.notes?.["load.capacity_limited_by"]).toBe("service");
      // p95 60 ms at 113 req/s is past the knee (8 ms at the lowest rate)
      expect(r.metrics["load.knee_rps"]).toBe(75);
      expect(r.metrics["load.scale_out_above_per_instance_rps"]).toBe(37.5);
      expect(checkNamed(r, "load.capacity").pass).toBe(true);
      // capacity levels fail by design: the ladder's verdict stands
      expect(r.verdict).toBe("PASS");
    }),
  );
});

describe("load run re-judged from its evidence alone (the export's)", () => {
  it.effect("a run's evidence survives JSON and gives back the very same checks and verdict", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        { level: (m, spec) => (spec.name === "10rps" ? withErrors(m, 1) : m) },
      );
      expect(r.verdict).toBe("RISK");
      const evidence = runEvidence.parse(JSON.parse(JSON.stringify(r.evidence)));
      expect(evidence.profile).toBe("load");
      const again = rejudge({ verdict: r.verdict, checks: r.checks }, evidence);
      expect(again.checks.filter((c) => !c.agrees)).toEqual([]);
      expect(again).toMatchObject({ verdict: "RISK", agrees: true });
    }),
  );
});
