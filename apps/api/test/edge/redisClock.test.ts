import { describe, expect, it } from "vitest";
import { RedisClock } from "../../src/rateLimits/takeScript.ts";

/** The instance's estimate of Redis's clock, driven by a clock of the test's own. */
const clockAt = () => {
  let t = 1_000_000;
  const clock = new RedisClock(() => t);
  return {
    clock,
    at: (ms: number) => {
      t = 1_000_000 + ms;
    },
    /** An answer that read Redis's time `delayMs` before it arrived, Redis `skewMs` ahead. */
    answer: (skewMs: number, delayMs: number) => clock.observe(t + skewMs - delayMs),
    offset: () => clock.deadline(0) - t,
  };
};

describe("RedisClock: the offset deadlines are set with", () => {
  it("keeps the best (fastest) answer's offset; a slow answer does not pull it down", () => {
    const c = clockAt();
    c.answer(0, 1);
    c.at(1_000);
    c.answer(0, 240);
    expect(c.offset()).toBe(-1);
  });

  it("a slow answer that ends a refresh period does not become the offset (review: deadlines 240 ms early)", () => {
    const c = clockAt();
    c.answer(0, 1);
    c.at(30_000);
    c.answer(0, 2);
    c.at(61_000);
    c.answer(0, 240);
    // the period's best, not its last answer
    expect(c.offset()).toBe(-1);
  });

  it("a clock that stepped back is learned within two periods", () => {
    const c = clockAt();
    c.answer(0, 1);
    c.at(61_000);
    c.answer(-1_000, 1); // Redis now 1 s behind: the period still remembers the old best
    c.at(62_000);
    c.answer(-1_000, 1);
    c.at(123_000);
    c.answer(-1_000, 1);
    expect(c.offset()).toBe(-1_001);
  });
});
