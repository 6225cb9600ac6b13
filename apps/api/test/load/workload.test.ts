import { describe, expect, it } from "vitest";
import { backtestInput } from "../../src/backtests/input.ts";
import { barsInput } from "../../src/bars/input.ts";
import { arrivalTimes } from "../../src/load/arrivals.ts";
import { workload } from "../../src/load/workload.ts";

/** What the recorded data holds (first bar, last bar + 1 minute). */
const DATA_START = Date.parse("2013-10-06T22:00:00Z");
const DATA_END = Date.parse("2013-10-11T21:15:00Z");

const gapsOf = (times: readonly number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));
const cv = (xs: readonly number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return sd / mean;
};

describe("arrival schedules", () => {
  it("Poisson: rate x duration arrivals, ascending inside the level, the same for the same seed", () => {
    const a = [...arrivalTimes(500, 40_000, { kind: "poisson", seed: 7 })];
    expect(a).toHaveLength(20_000);
    expect(a).toEqual([...arrivalTimes(500, 40_000, { kind: "poisson", seed: 7 })]);
    expect(a).not.toEqual([...arrivalTimes(500, 40_000, { kind: "poisson", seed: 8 })]);
    expect(a.every((t, i) => t >= 0 && t < 40_000 && t >= (a[i - 1] ?? 0))).toBe(true);
    // Exponential gaps have a coefficient of variation of 1; even spacing has 0.
    expect(cv(gapsOf(a))).toBeGreaterThan(0.95);
    expect(cv(gapsOf(a))).toBeLessThan(1.05);
  });

  it("constant: evenly spaced, rate x duration", () => {
    const c = [...arrivalTimes(4, 2_500, { kind: "constant" })];
    expect(c).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250]);
  });
});

describe("workload", () => {
  const mix = { barsCached: 0.5, barsNew: 0.3, backtests: 0.2 };

  it("keeps the mix's shares in every prefix", () => {
    const w = workload({ mix, seed: 1, idempotencyPrefix: "run-1" });
    const kinds = Array.from({ length: 1_000 }, () => w.next().kind);
    const share = (k: string, n: number) => kinds.slice(0, n).filter((x) => x === k).length;
    for (const n of [10, 100, 1_000]) {
      expect(share("barsCached", n)).toBe(n * 0.5);
      expect(share("barsNew", n)).toBe(n * 0.3);
      expect(share("backtest", n)).toBe(n * 0.2);
    }
  });

  it("new keys are distinct, valid and inside the recorded data; cached keys are the warmed set", () => {
    const w = workload({
      mix: { barsCached: 0, barsNew: 1, backtests: 0 },
      seed: 3,
      idempotencyPrefix: "r",
    });
    expect(w.cachedPaths).toHaveLength(4);
    const paths = Array.from({ length: 50_000 }, () => w.next().path);
    expect(new Set(paths).size).toBe(50_000);
    for (const p of [...paths.slice(0, 2_000), ...w.cachedPaths]) {
      const q = Object.fromEntries(new URL(p, "http://x").searchParams);
      expect(barsInput.safeParse(q).success).toBe(true);
      expect(Date.parse(q.start ?? "")).toBeGreaterThanOrEqual(DATA_START);
      expect(Date.parse(q.end ?? "")).toBeLessThanOrEqual(DATA_END);
    }
    const fresh = new Set(paths);
    expect(w.cachedPaths.filter((p) => fresh.has(p))).toEqual([]);
  });

  it("backtests are valid enqueue bodies, each with its own idempotency key", () => {
    const w = workload({
      mix: { barsCached: 0, barsNew: 0, backtests: 1 },
      seed: 1,
      idempotencyPrefix: "run-9",
    });
    const reqs = Array.from({ length: 100 }, () => w.next());
    const keys = new Set<string>();
    for (const r of reqs) {
      expect(r).toMatchObject({ method: "POST", path: "/api/backtests" });
      const parsed = backtestInput.safeParse(JSON.parse(r.body ?? ""));
      expect(parsed.success).toBe(true);
      if (parsed.success) keys.add(parsed.data.idempotencyKey ?? "");
    }
    expect(keys.size).toBe(100);
  });
});
