import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { healthyPoint } from "../../src/scale-test/testing/memory.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const MB = 1024 * 1024;

/** The quick soak runs 45 s of workload on the test clock. */
const run = (options: WorldOptions) =>
  simulate({ profile: "memory", quick: true }, options, "2 minutes");

describe("memory profile (quick, in memory, on the test clock)", () => {
  it.effect("PASSes two healthy instances: saw-tooth heap, GC, no restart", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(checkNamed(r, "memory.sheds_instead_of_crashing").actual).toMatch(/^not reached/);
      expect(stepsOf(r.world)).toEqual(["preflight", "setup", "soak", "collect", "verdict"]);
    }),
  );

  it.effect("FAILs the heap trend on a leaking instance, naming it", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memory: (i, k, at) => {
          const p = healthyPoint(i, k, at);
          return i === "i2" ? { ...p, oldGenUsed: p.oldGenUsed + k * 0.5 * MB } : p;
        },
      });
      expect(r.verdict).toBe("FAIL");
      const trend = checkNamed(r, "memory.heap_trend");
      expect(trend.actual).toBe("i2");
      expect(trend.detail).toMatch(/i2: slope 30(\.\d+)? MB\/min.*\(LEAK\)/);
    }),
  );

  it.effect("FAILs on a restart, and when pressure was reached but nothing was shed", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memory: (i, k, at) => ({
          ...healthyPoint(i, k, at),
          ...(i === "i1" && k > 30 ? { bootId: "i1-second-boot" } : {}),
          ...(k === 20 ? { pressure: 0.91, shedding: true } : {}),
        }),
      });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "memory.no_restarts").detail).toBe("restarted: i1");
      expect(checkNamed(r, "memory.sheds_instead_of_crashing").pass).toBe(false);
    }),
  );

  it.effect("FAILs without GC evidence", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memory: (i, k, at) => ({ ...healthyPoint(i, k, at), gcCount: 0, heapUsed: 30 * MB + k }),
      });
      expect(checkNamed(r, "memory.gc_reclaims").pass).toBe(false);
    }),
  );

  it.effect("unanswered requests are counted as failures, not swallowed", () =>
    Effect.gen(function* () {
      const r = yield* run({
        failRequest: (_method, path, n) =>
          path === "/api/bars" && n % 10 === 0 ? "unreachable" : undefined,
      });
      expect(r.verdict).toBe("FAIL");
      const errors = checkNamed(r, "requests.no_errors");
      expect(errors.actual).toBeGreaterThan(0);
      expect(errors.detail).toMatch(/^unreachable: connection reset/);
      expect(r.metrics["requests.failed"]).toBe(errors.actual);
    }),
  );
});
