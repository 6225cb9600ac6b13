import { describe, expect, it } from "vitest";
import { clock, progressBar, timingText } from "../src/format.ts";

/** The live progress line: position, elapsed and remaining time, the long step's own progress. */
describe("progress line", () => {
  it("clock: seconds, minutes and seconds, hours and minutes", () => {
    expect(clock(0)).toBe("0s");
    expect(clock(42_400)).toBe("42s");
    expect(clock(310_000)).toBe("5m10s");
    expect(clock(3_720_000)).toBe("1h02m");
  });

  it("a running run: elapsed, remaining and the current step's progress", () => {
    const t = { plannedMs: 600_000, elapsedMs: 130_000, remainingMs: 300_000, stepProgress: 0.4 };
    expect(progressBar(0.3, "sustain") + timingText(t, false)).toBe(
      "[#########---------------------]  30%  sustain  2m10s elapsed, ~5m00s left (step 40%)",
    );
  });

  it("an ended run: only the time it took; no timing from an older server: nothing", () => {
    const t = { plannedMs: 60_000, elapsedMs: 61_000, remainingMs: 0, stepProgress: null };
    expect(timingText(t, true)).toBe("  1m01s elapsed");
    expect(timingText(undefined, false)).toBe("");
    // queued: nothing elapsed yet, the plan's length left
    expect(timingText({ ...t, elapsedMs: null, remainingMs: 60_000 }, false)).toBe("  ~1m00s left");
  });
});
