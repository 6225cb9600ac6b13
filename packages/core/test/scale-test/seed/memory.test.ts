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
