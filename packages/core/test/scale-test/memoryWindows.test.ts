import { describe, expect, it } from "vitest";
import { QUICK_LEAK_LINES, SOAK_LEAK_LINES } from "../../src/scale-test/profiles/memory/plan.ts";
import { isCompressed, windowsForSoak } from "../../src/scale-test/profiles/memory/windows.ts";

const MIN = 60_000;

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
});
