import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { healthyPoint } from "../../../src/scale-test/testing/memory.ts";
import { checkNamed, simulate } from "../simulate.ts";
import { MIN, reportNear, SEED_TIMEOUT } from "./seedRun.ts";

const MB = 1024 * 1024;

describe("memory profile, full mode, 30 minutes (seed length)", () => {
  it.effect(
    "memory, 30 minutes: PASS on healthy instances, sampled every 10 s",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate({ profile: "memory" }, {}, "36 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(checkNamed(r, "memory.leak.heap").detail).toMatch(
          /0\/5 windows above the FAIL line/,
        );
        expect(checkNamed(r, "memory.recovers_after_pressure").pass).toBe(true);
        const soak = reportNear(r.world.reports, 22 * MIN); // after the 2-minute warm-up
        expect(soak.step).toBe("soak");
        expect(soak.stepFraction).toBeCloseTo(20 / 28, 1); // 28 judged minutes after the warm-up
      }),
    SEED_TIMEOUT,
  );

  it.effect(
    "memory, 30 minutes: a leak that starts mid-soak FAILs, naming the instance",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate(
          { profile: "memory" },
          {
            memory: (i, k, at) => {
              const p = healthyPoint(i, k, at);
              const leaking = i === "i2" ? Math.max(0, at - 15 * MIN) / MIN : 0;
              return { ...p, postGcHeap: (p.postGcHeap ?? 0) + leaking * 5 * MB };
            },
          },
          "36 minutes",
        );
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "memory.leak.heap")).toMatchObject({
          zone: "fail",
          actual: "i2 FAIL",
        });
      }),
    SEED_TIMEOUT,
  );
});

describe("memory profile, full mode compressed to 3 minutes", () => {
  // warm-up 36 s (a fifth), soak 144 s: windows of half the soak, every half window
  it.effect(
    "healthy: 72-s windows every 36 s, 3 of them, PASS with the growth it certifies stated",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate({ profile: "memory", durationMin: 3 }, {}, "6 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        const heap = checkNamed(r, "memory.leak.heap");
        expect(heap.detail).toMatch(/i2: PASS, .*0\/3 windows above the FAIL line/);
        expect(heap.expected).toMatch(/^no 1\.2-min window growing faster than 50 MB\/h/);
        expect(heap.actual).toMatch(/^none; growth certified below \d+(\.\d)? MB\/h$/);
        expect(r.metrics["leak.heap_certified_below_mb_per_h"]).toEqual(expect.any(Number));
      }),
    SEED_TIMEOUT,
  );

  it.effect(
    "a 100 MB/h heap leak on i2 (twice the FAIL line) FAILs, naming i2",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate(
          { profile: "memory", durationMin: 3 },
          {
            memory: (i, k, at) => {
              const p = healthyPoint(i, k, at);
              const leaked = i === "i2" ? (at / 3_600_000) * 100 * MB : 0;
              return { ...p, postGcHeap: (p.postGcHeap ?? 0) + leaked };
            },
          },
          "6 minutes",
        );
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "memory.leak.heap")).toMatchObject({
          zone: "fail",
          actual: "i2 FAIL",
        });
      }),
    SEED_TIMEOUT,
  );
});
