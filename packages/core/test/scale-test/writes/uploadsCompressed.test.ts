import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import {
  QUICK_SOAK_RSS_POLICY,
  rssPolicyOf,
  SOAK_RSS_POLICY,
  uploadsPlan,
} from "../../../src/scale-test/profiles/uploads/plan.ts";
import { type RunInput, runInput } from "../../../src/scale-test/schema.ts";
import { healthyPoint } from "../../../src/scale-test/testing/memory.ts";
import { checkNamed } from "../simulate.ts";
import { simulateWrites } from "./simulateWrites.ts";

const MB = 1024 * 1024;
const MIN = 60_000;
/** CI's compressed run: full mode, a 2-minute soak of 12 uploads of 10 MB. */
const compressed: RunInput = {
  profile: "uploads",
  durationMin: 2,
  uploads: { sizeMb: 10, soakUploads: 12 },
};

describe("uploads profile, full mode compressed (a soak shorter than two 10-minute windows)", () => {
  it("the seed's windows where two fit (20 min or more), else the quick soak's slope line", () => {
    expect(rssPolicyOf(false, 2 * 3_600_000)).toBe(SOAK_RSS_POLICY);
    expect(rssPolicyOf(false, 20 * MIN)).toBe(SOAK_RSS_POLICY);
    expect(rssPolicyOf(false, 19 * MIN)).toBe(QUICK_SOAK_RSS_POLICY);
    expect(rssPolicyOf(true, 60_000)).toBe(QUICK_SOAK_RSS_POLICY);
    const plan = uploadsPlan(runInput.parse(compressed));
    expect(plan.find((s) => s.name === "soak")?.ms).toBe(2 * MIN);
  });

  it.effect("healthy: PASS, the rss growth judged by its slope over the 2-minute soak", () =>
    Effect.gen(function* () {
      const r = yield* simulateWrites(compressed, {}, "30 minutes");
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(checkNamed(r, "uploads.soak.failures_pct").expected).toBe("<= 5 % of 12 uploads");
      expect(checkNamed(r, "uploads.soak.rss_growth_mb_per_h").expected).toMatch(
        /^Theil-Sen slope over the soak below 2400 MB\/h/,
      );
    }),
  );

  it.effect("rss growing 30 MB a minute on one instance FAILs the growth check", () =>
    Effect.gen(function* () {
      const r = yield* simulateWrites(
        compressed,
        {
          world: {
            memory: (id, k, at) => ({
              ...healthyPoint(id, k, at),
              postGcRss: 120 * MB + (id === "i2" ? (at / 1000) * 0.75 * MB : 0),
            }),
          },
        },
        "30 minutes",
      );
      expect(r.verdict).toBe("FAIL");
      const growth = checkNamed(r, "uploads.soak.rss_growth_mb_per_h");
      expect(growth).toMatchObject({ zone: "fail", actual: 2700 });
      expect(growth.detail).toMatch(/i1: PASS.*i2: FAIL|i2: FAIL.*i1: PASS/);
    }),
  );
});
