import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  judgeLeak,
  type LeakPolicy,
  rollingWindows,
  theilSen,
  worstZone,
} from "../../src/scale-test/trend.ts";

const line = (n: number, slope: number, intercept = 0, dt = 1000) =>
  Array.from({ length: n }, (_, i) => ({ t: i * dt, y: intercept + slope * i * dt }));

describe("Theil-Sen slope", () => {
  it("is exact on a line, whatever its intercept (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 40 }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        (n, slope, intercept) => {
          const e = theilSen(line(n, slope, intercept));
          expect(e?.slope).toBeCloseTo(slope, 6);
          expect(e?.lower).toBeLessThanOrEqual(e?.slope as number);
          expect(e?.upper).toBeGreaterThanOrEqual(e?.slope as number);
        },
      ),
    );
  });

  it("shrugs off a few wild outliers (GC spikes) where least squares would not (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 60 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        (n, picks) => {
          const pts = line(n, 5);
          for (const p of picks) {
            const i = p % n;
            pts[i] = { t: i * 1000, y: 1e9 };
          }
          const e = theilSen(pts);
          expect(Math.abs((e?.slope as number) - 5)).toBeLessThan(1);
        },
      ),
    );
  });

  it("its interval contains 0 for trendless noise and excludes it for a steady climb", () => {
    // deterministic pseudo-noise: a saw-tooth like GC
    const flat = Array.from({ length: 60 }, (_, i) => ({ t: i * 1000, y: 100 + ((i * 37) % 11) }));
    const e = theilSen(flat);
    expect(e?.lower).toBeLessThanOrEqual(0);
    expect(e?.upper).toBeGreaterThanOrEqual(0);
    const climb = flat.map((p) => ({ t: p.t, y: p.y + p.t * 0.01 }));
    expect(theilSen(climb)?.lower).toBeGreaterThan(0);
  });

  it("needs three points", () => {
    expect(theilSen(line(2, 1))).toBeNull();
  });
});

describe("rolling windows and the three-tier leak verdict", () => {
  it("covers the span with half-overlapping windows", () => {
    const w = rollingWindows(line(61, 0), 20_000, 10_000);
    expect(w.map((x) => [x[0]?.t, x[x.length - 1]?.t])).toEqual([
      [0, 20_000],
      [10_000, 30_000],
      [20_000, 40_000],
      [30_000, 50_000],
      [40_000, 60_000],
    ]);
    expect(rollingWindows(line(5, 0), 60_000, 30_000)).toHaveLength(1);
  });

  const MB = 1024 * 1024;
  /** 1 MB/min FAIL line and PASS line (per hour), 30 s windows every 15 s. */
  const policy: LeakPolicy = {
    failAbovePerHour: 60 * MB,
    passBelowPerHour: 60 * MB,
    windowMs: 30_000,
    stepMs: 15_000,
  };
  const perMs = (mbPerMin: number) => (mbPerMin * MB) / 60_000;
  const noisy = (i: number) => ((i * 37) % 11) * 5_000; // up to 50 KB of saw-tooth

  it("zones: FAIL above the line, PASS below it, RISK when a window straddles it", () => {
    const at = (mbPerMin: number) =>
      judgeLeak(
        line(61, perMs(mbPerMin)).map((p, i) => ({ t: p.t, y: p.y + noisy(i) })),
        policy,
      );
    expect(at(2).zone).toBe("fail");
    expect(at(0).zone).toBe("pass");
    expect(at(0.5).zone).toBe("pass");
    expect(at(1).zone).toBe("risk");
    expect(at(2).worst?.lower).toBeGreaterThan(perMs(1));
  });

  it("any window above the FAIL line fails: a leak that starts halfway, or one that stops", () => {
    const half = line(61, 0).map((p, i) => ({
      t: p.t,
      y: i < 30 ? noisy(i) : perMs(2) * (p.t - 30_000),
    }));
    expect(judgeLeak(half, policy).zone).toBe("fail");
    expect(judgeLeak(half, policy).worst?.from).toBe(30_000);
    const stops = line(61, perMs(2)).map((p, i) =>
      i < 30 ? p : { t: p.t, y: perMs(2) * 30_000 + noisy(i) },
    );
    expect(judgeLeak(stops, policy).zone).toBe("fail");
  });

  it("one-off steps (V8 growing its heap, a cache filled once) do not fail a window (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 55 }), fc.integer({ min: 1, max: 8 }), (at, mb) => {
        const step = line(61, 0).map((p, i) => ({ t: p.t, y: noisy(i) + (i >= at ? mb * MB : 0) }));
        expect(judgeLeak(step, policy).zone).not.toBe("fail");
      }),
    );
  });

  it("no evidence is RISK, never PASS", () => {
    expect(judgeLeak(line(2, 0), policy).zone).toBe("risk");
    expect(worstZone(["pass", "risk", "pass"])).toBe("risk");
    expect(worstZone(["pass", "risk", "fail"])).toBe("fail");
  });
});
