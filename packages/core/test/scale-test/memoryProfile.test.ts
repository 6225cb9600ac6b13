import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { runProfile } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { type FakeOptions, fakeSystem, healthySamples } from "./fakeSystem.ts";

const MB = 1024 * 1024;

/** The quick soak runs 45 s of workload on the test clock. */
const run = (options: FakeOptions) =>
  Effect.gen(function* () {
    const system = fakeSystem(options);
    const fiber = yield* Effect.forkChild(
      runProfile(runInput.parse({ profile: "memory", quick: true })).pipe(
        Effect.provide(system.layer),
      ),
    );
    yield* TestClock.adjust("2 minutes");
    return yield* Fiber.join(fiber);
  });

const named = (r: { checks: readonly { name: string }[] }, name: string) => {
  const c = r.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c as { name: string; pass: boolean; actual: unknown; detail?: string };
};

describe("memory profile", () => {
  it.effect("PASSes two healthy instances: saw-tooth heap, GC, no restart", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(named(r, "memory.sheds_instead_of_crashing").actual).toMatch(/^not reached/);
    }),
  );

  it.effect("FAILs the heap trend on a leaking instance, naming it", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memorySamples: () =>
          healthySamples((p, k) =>
            p.instanceId === "i2" ? { ...p, oldGenUsed: p.oldGenUsed + k * 0.5 * MB } : p,
          ),
      });
      expect(r.verdict).toBe("FAIL");
      const trend = named(r, "memory.heap_trend");
      expect(trend.actual).toBe("i2");
      expect(trend.detail).toMatch(/i2: slope 30(\.\d+)? MB\/min.*\(LEAK\)/);
    }),
  );

  it.effect("FAILs on a restart, and when pressure was reached but nothing was shed", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memorySamples: () =>
          healthySamples((p, k) => ({
            ...p,
            ...(p.instanceId === "i1" && k > 30 ? { bootId: "i1-second-boot" } : {}),
            ...(k === 20 ? { pressure: 0.91, shedding: true } : {}),
          })),
      });
      expect(r.verdict).toBe("FAIL");
      expect(named(r, "memory.no_restarts").detail).toBe("restarted: i1");
      expect(named(r, "memory.sheds_instead_of_crashing").pass).toBe(false);
    }),
  );

  it.effect("FAILs without GC evidence", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memorySamples: () =>
          healthySamples((p, k) => ({ ...p, gcCount: 0, heapUsed: 30 * MB + k })),
      });
      expect(named(r, "memory.gc_reclaims").pass).toBe(false);
    }),
  );
});
