import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { runProfile } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { type FakeOptions, fakeSystem } from "./fakeSystem.ts";

const run = (
  options: FakeOptions,
  onSystem: (s: ReturnType<typeof fakeSystem>) => void = () => {},
) =>
  Effect.gen(function* () {
    const system = fakeSystem(options);
    onSystem(system);
    const fiber = yield* Effect.forkChild(
      runProfile(runInput.parse({ profile: "full", quick: true, crash: false, jobs: 4 })).pipe(
        Effect.provide(system.layer),
      ),
    );
    yield* TestClock.adjust("5 minutes");
    return yield* Fiber.join(fiber);
  });

describe("full profile", () => {
  it.effect("says Scale Ready: YES when cache, stampede, jobs and memory all pass", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.verdict).toBe("PASS");
      expect(r.metrics.scale_ready).toBe("YES");
      expect(r.metrics["verdict.cache"]).toBe("PASS");
      expect(r.checks.some((c) => c.name === "cache/stampede.provider_fetch")).toBe(true);
      expect(r.metrics["scaling.p95_1_vs_2_instances"]).toMatch(/^not measured/);
    }),
  );

  it.effect(
    "measures p95 with 1 instance and with all where the runner can scale, and restores the pool",
    () =>
      Effect.gen(function* () {
        let limits: (number | null)[] = [];
        const r = yield* run({ scalable: true }, (s) => {
          limits = s.limits;
        });
        expect(r.verdict).toBe("PASS");
        expect(r.metrics["scaling.p95_1_instance_ms"]).toBe(1);
        expect(r.metrics["scaling.p95_1_vs_2_instances"]).toMatch(/^1 ms -> 1 ms with 2 instances/);
        expect(limits).toEqual([1, null, null]);
      }),
  );

  it.effect("says NO, naming the profile and the check, when stampede protection is off", () =>
    Effect.gen(function* () {
      const r = yield* run({ lock: false });
      expect(r.verdict).toBe("FAIL");
      expect(r.metrics.scale_ready).toBe("NO");
      const stampede = r.checks.find((c) => c.name === "ready.stampede");
      expect(stampede?.pass).toBe(false);
      expect(stampede?.detail).toContain("cache/stampede.provider_fetch");
      expect(r.checks.find((c) => c.name === "ready.jobs")?.pass).toBe(true);
    }),
  );
});
