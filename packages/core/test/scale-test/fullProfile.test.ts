import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { simulate } from "./simulate.ts";

const run = (options: WorldOptions) =>
  simulate({ profile: "full", quick: true, crash: false, jobs: 4 }, options, "5 minutes");

describe("full profile (quick, in memory, on the test clock)", () => {
  it.effect("says Scale Ready: YES when cache, stampede, jobs and memory all pass", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.verdict).toBe("PASS");
      expect(r.notes?.scale_ready).toBe("YES");
      expect(r.notes?.["verdict.cache"]).toBe("PASS");
      expect(r.checks.some((c) => c.name === "cache/stampede.provider_fetch")).toBe(true);
      expect(r.notes?.scaling).toMatch(/^not measured/);
      // the parts' checks were published under their names as they were decided
      expect(r.world.checks.map((c) => c.name)).toEqual(r.checks.map((c) => c.name));
    }),
  );

  it.effect(
    "measures p95 with 1 instance and with all where the runner can scale, and restores the pool",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ scalable: true });
        expect(r.verdict).toBe("PASS");
        expect(r.metrics["scaling.p95_one_instance_ms"]).toBe(1);
        expect(r.metrics["scaling.p95_ratio_one_vs_all"]).toBe(1);
        expect(r.notes?.scaling).toMatch(/^p95 1 ms -> 1 ms with 2 instances/);
        expect(r.world.limits).toEqual([1, null, null]);
      }),
  );

  it.effect(
    "reports how long each part took by the run's clock, as it ends and in the export",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ scalable: true });
        const parts = ["cache", "jobs", "memory", "scaling"] as const;
        const times = parts.map((p) => r.metrics[`time.${p}_s`]);
        for (const t of times) expect(t).toBeGreaterThanOrEqual(0);
        // the in-memory cache part sleeps through its phases; the jobs part does not
        expect(r.metrics["time.cache_s"]).toBeGreaterThan(0);
        // quick mode's memory part: its 20 s warm-up and 60 s soak, then the pressure phase
        expect(r.metrics["time.memory_s"]).toBeGreaterThanOrEqual(80);
        // the scaling measurement: two 5 s open-loop rounds
        expect(r.metrics["time.scaling_s"]).toBeGreaterThan(9);
        expect(r.metrics["time.scaling_s"]).toBeLessThan(11);
        expect(parts.map((p) => r.world.metrics[`time.${p}_s`])).toEqual(times);
      }),
  );

  it.effect("says NO, naming the profile and the check, when stampede protection is off", () =>
    Effect.gen(function* () {
      const r = yield* run({ lock: false });
      expect(r.verdict).toBe("FAIL");
      expect(r.notes?.scale_ready).toBe("NO");
      const stampede = r.checks.find((c) => c.name === "ready.stampede");
      expect(stampede?.pass).toBe(false);
      expect(stampede?.detail).toContain("cache/stampede.provider_fetch");
      expect(r.checks.find((c) => c.name === "ready.jobs")?.pass).toBe(true);
    }),
  );
});
