import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentile } from "../../src/scale-test/stats.ts";

describe("percentile", () => {
  it("is a sample, and grows with p", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: 0, max: 1e6 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (xs, p, q) => {
          const a = percentile(xs, Math.min(p, q)) as number;
          const b = percentile(xs, Math.max(p, q)) as number;
          expect(xs).toContain(a);
          expect(a).toBeLessThanOrEqual(b);
        },
      ),
    );
  });

  it("uses the nearest rank", () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });
});
