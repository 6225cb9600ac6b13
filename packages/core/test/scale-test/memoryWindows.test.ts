import { describe, expect, it } from "vitest";
import type { MemoryPoint } from "../../src/scale-test/data.ts";
import { judgeLeaks } from "../../src/scale-test/profiles/memory/leak.ts";
import { QUICK_LEAK_LINES, SOAK_LEAK_LINES } from "../../src/scale-test/profiles/memory/plan.ts";
import { isCompressed, windowsForSoak } from "../../src/scale-test/profiles/memory/windows.ts";
import { healthyPoint } from "../../src/scale-test/testing/memory.ts";

const MIN = 60_000;
const MB = 1024 * 1024;

/** i1's post-GC heap over a 144-s soak sampled every 10 s: `mbPerHour` growth plus `jitter`. */
const soakOf = (mbPerHour: number, jitter: (k: number) => number) => {
  const points: MemoryPoint[] = Array.from({ length: 15 }, (_, k) => {
    const at = k * 10_000;
    const grown = (at / 3_600_000) * mbPerHour * MB + jitter(k);
    return { ...healthyPoint("i1", k, at), postGcHeap: 24 * MB + grown };
  });
  const lines = windowsForSoak(SOAK_LEAK_LINES, 144_000);
  const r = judgeLeaks(new Map([["i1", points]]), { from: 0, to: 140_000 }, lines);
  return r.checks.find((c) => c.name === "memory.leak.heap");
};

describe("memory soak windows scaled to the soak", () => {
  it("the seed's 28-minute soak keeps its 10-minute windows every 5 (the 30-minute default)", () => {
    expect(windowsForSoak(SOAK_LEAK_LINES, 28 * MIN)).toBe(SOAK_LEAK_LINES);
    expect(windowsForSoak(SOAK_LEAK_LINES, 20 * MIN)).toBe(SOAK_LEAK_LINES);
    expect(isCompressed(SOAK_LEAK_LINES)).toBe(false);
  });

  it("a soak shorter than 2 windows gets half-soak windows every half window, the lines unchanged", () => {
    const lines = windowsForSoak(SOAK_LEAK_LINES, 144_000);
    expect(lines).toEqual({
      ...SOAK_LEAK_LINES,
      windowMs: 72_000,
      stepMs: 36_000,
      judged: ["heap", "off_heap"], // rss reported, not judged, in windows this short
    });
    expect(isCompressed(lines)).toBe(true);
  });

  it("the quick soak's 30-s windows already fit twice in 60 s: unchanged, two-tier as before", () => {
    expect(windowsForSoak(QUICK_LEAK_LINES, 60_000)).toBe(QUICK_LEAK_LINES);
    expect(isCompressed(QUICK_LEAK_LINES)).toBe(false);
  });

  it("compressed windows: too noisy to resolve 10 MB/h is a PASS stating its bound, not RISK", () => {
    const flat = soakOf(0, (k) => ((k * 7) % 5) * 0.1 * MB);
    expect(flat?.zone).toBe("pass");
    const bound = Number(/certified below ([\d.]+) MB\/h$/.exec(String(flat?.actual))?.[1]);
    expect(bound).toBeGreaterThan(10); // the interval is wider than the PASS line
  });

  it("compressed windows: growth shown above the PASS line is RISK, above the FAIL line FAIL", () => {
    expect(soakOf(30, () => 0)).toMatchObject({ zone: "risk", actual: "i1 RISK" });
    expect(soakOf(100, () => 0)).toMatchObject({ zone: "fail", actual: "i1 FAIL" });
    expect(soakOf(5, () => 0)?.zone).toBe("pass");
  });
});
