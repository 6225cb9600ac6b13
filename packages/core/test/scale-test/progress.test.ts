import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { positionOf, reportAt } from "../../src/scale-test/progress/plan.ts";
import { timingOf } from "../../src/scale-test/progress/timing.ts";
import { planOf } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";

const plan = (input: Record<string, unknown>) => planOf(runInput.parse(input));
const MIN = 60_000;

describe("time-weighted progress", () => {
  it("a cache run's 10 minutes are mostly its sustain", () => {
    const p = plan({ profile: "cache" });
    expect(p.reduce((a, s) => a + s.ms, 0)).toBe(10 * MIN + 1_000);
    expect(reportAt(p, "sustain", 0.5, 5 * MIN).fraction).toBeCloseTo(0.5, 1);
    // the short steps (the takeover waits out a dead holder's lease) are a few % of it
    expect(reportAt(p, "cross-instance", 1, 20_000).fraction).toBeLessThan(0.04);
  });

  it("the full profile halfway through cache's sustain is ~8 %, not the 24 % of per-part weighting", () => {
    const p = plan({ profile: "full" });
    const total = p.reduce((a, s) => a + s.ms, 0);
    expect(total).toBeGreaterThan(60 * MIN);
    expect(total).toBeLessThan(63 * MIN);
    const r = reportAt(p, "cache/sustain", 0.5, 5 * MIN);
    expect(r.fraction).toBeGreaterThan(0.07);
    expect(r.fraction).toBeLessThan(0.09);
    expect(r.remainingMs).toBeCloseTo(total - 5 * MIN - 10_000, -4);
    // the memory soak (35 of 60 minutes) starts past the 40 % mark
    expect(reportAt(p, "memory/soak", 0, 26 * MIN).fraction).toBeCloseTo(26 / 62, 1);
  });

  it("what a report persists (step, fraction) reads back to the same position (property)", () => {
    const plans = ["cache", "jobs", "memory", "full"].flatMap((profile) => [
      plan({ profile }),
      plan({ profile, quick: true }),
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: plans.length - 1 }),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (pi, si, within) => {
          const p = plans[pi] ?? [];
          const step = p[si % p.length];
          if (!step) return;
          const r = reportAt(p, step.name, within, 0);
          const back = positionOf(p, step.name, r.fraction);
          expect(back.remainingMs).toBeCloseTo(r.remainingMs, 0);
          if (step.ms > 0) expect(back.stepFraction).toBeCloseTo(within, 6);
          else expect(back.stepFraction).toBeNull();
        },
      ),
    );
  });

  it("a run's timing: elapsed from its start, remaining from its plan, nothing left once finished", () => {
    const p = plan({ profile: "memory" });
    const at = reportAt(p, "soak", 0.25, 0);
    const live = { currentStep: "soak", progress: at.fraction, startedAt: 1_000, finishedAt: null };
    expect(timingOf(p, live, 61_000)).toEqual({
      plannedMs: at.plannedMs,
      elapsedMs: 60_000,
      remainingMs: at.remainingMs,
      stepProgress: expect.closeTo(0.25, 6),
    });
    expect(timingOf(p, { ...live, finishedAt: 31_000 }, 99_000)).toMatchObject({
      elapsedMs: 30_000,
      remainingMs: 0,
      stepProgress: null,
    });
  });
});
