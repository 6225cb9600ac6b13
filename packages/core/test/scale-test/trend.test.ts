import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgeHeapTrend, rollingWindows, theilSen } from "../../src/scale-test/trend.ts";

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

describe("rolling windows and the leak verdict", () => {
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

  it("calls a leak only when the lower bound stays above the threshold through the last windows", () => {
    const mbPerMin = 1024 * 1024;
    const leak = line(120, (2 * mbPerMin) / 60_000); // 2 MB/min
    expect(judgeHeapTrend(leak, mbPerMin, 30_000).leaking).toBe(true);
    // the same climb for half the time, then flat: levelled off, not "stays above"
    const plateau = leak.map((p, i) => (i < 60 ? p : { t: p.t, y: (leak[59]?.y ?? 0) + (i % 3) }));
    expect(judgeHeapTrend(plateau, mbPerMin, 30_000).leaking).toBe(false);
    expect(judgeHeapTrend(line(120, 0), mbPerMin, 30_000).leaking).toBe(false);
    // flat, then a climb from the middle to the end: a leak that started mid-soak
    const lateLeak = line(120, 0).map((p, i) => ({
      t: p.t,
      y: i < 60 ? i % 3 : (leak[i - 60]?.y ?? 0),
    }));
    expect(judgeHeapTrend(lateLeak, mbPerMin, 30_000).leaking).toBe(true);
    // one noisy climbing window in the middle is not a leak
    const bump = line(120, 0).map((p, i) => ({
      t: p.t,
      y: i >= 40 && i < 70 ? (leak[i - 40]?.y ?? 0) : 0,
    }));
    expect(judgeHeapTrend(bump, mbPerMin, 30_000).leaking).toBe(false);
  });
});
