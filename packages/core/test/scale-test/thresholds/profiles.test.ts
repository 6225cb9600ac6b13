import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { annotateSet } from "../../../src/scale-test/thresholds/annotate.ts";
import { checkNamed, simulate } from "../simulate.ts";

const c = (name: string, expected: string) => ({
  name,
  step: "s",
  expected,
  actual: 1,
  pass: true,
});

describe("a gate set by a k6 threshold says so next to its check", () => {
  it("load, db, ingest, uploads: the expression follows the line only when the run set it", () => {
    const checks = [
      c("load.25rps.p95", "< 40 ms"),
      c("load.baseline.p95", "< 50 ms"),
      c("load.baseline.errors", "< 0.1 % (0.1-0.5 % RISK, > 0.5 % FAIL)"),
      c("db/creations.p95_ms", "< 500"),
      c("cache.hit_rate_after_warmup", "rate>=0.9 (default)"),
    ];
    expect(annotateSet(checks, undefined)).toEqual(checks);
    expect(annotateSet(checks, { "cache.hit_rate": ["rate>=0.5"] })).toEqual(checks);
    const set = annotateSet(checks, {
      "load.latency_ms": ["p(95)<40"],
      "load.error_rate": ["rate<=0.005"],
      "db.creation_latency_ms": ["p(95)<500"],
    });
    expect(set.map((x) => x.expected)).toEqual([
      "< 40 ms; load.latency_ms: p(95)<40 (set)",
      "< 50 ms",
      "< 0.1 % (0.1-0.5 % RISK, > 0.5 % FAIL); load.error_rate: rate<=0.005 (set)",
      "< 500; db.creation_latency_ms: p(95)<500 (set)",
      "rate>=0.9 (default)",
    ]);
  });

  it.effect(
    "db profile: a tightened cold-read line FAILs the same healthy database, and says so",
    () =>
      Effect.gen(function* () {
        const seed = yield* simulate({ profile: "db", quick: true }, {}, "10 minutes");
        expect(seed.verdict).toBe("PASS");
        const p95 = checkNamed(seed, "cold_reads.p95_ms");
        expect(p95).toMatchObject({ expected: "< 800", actual: 1, pass: true });
        const tight = yield* simulate(
          { profile: "db", quick: true, thresholds: { "db.cold_read_latency_ms": ["p(95)<1"] } },
          {},
          "10 minutes",
        );
        expect(checkNamed(tight, "cold_reads.p95_ms")).toMatchObject({
          expected: "< 1; db.cold_read_latency_ms: p(95)<1 (set)",
          actual: 1,
          pass: false,
        });
        expect(tight.verdict).toBe("FAIL");
      }),
  );
});
