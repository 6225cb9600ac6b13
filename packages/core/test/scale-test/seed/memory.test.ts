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
        const r = yield* simulate({ profile: "memory" }, {}, "32 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(checkNamed(r, "memory.heap_trend").detail).toMatch(/over 5 windows/);
        const soak = reportNear(r.world.reports, 20 * MIN);
        expect(soak.step).toBe("soak");
        expect(soak.stepFraction).toBeCloseTo(20 / 30, 1);
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
              return { ...p, oldGenUsed: p.oldGenUsed + leaking * 5 * MB };
            },
          },
          "32 minutes",
        );
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "memory.heap_trend").actual).toBe("i2");
      }),
    SEED_TIMEOUT,
  );
});
