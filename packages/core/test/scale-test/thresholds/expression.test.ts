import { describe, expect, it } from "@effect/vitest";
import { runInput } from "../../../src/scale-test/schema.ts";
import { holds, parseThreshold } from "../../../src/scale-test/thresholds/expression.ts";
import { fieldProblems } from "../../../src/wire/fieldProblems.ts";

const parsed = (text: string) => {
  const t = parseThreshold(text);
  if (typeof t === "string") throw new Error(t);
  return t;
};

describe("k6 threshold expressions", () => {
  it("parses k6's forms into aggregation, operator and value", () => {
    expect(parsed("p(95)<500")).toMatchObject({
      aggregation: "p(95)",
      kind: "p",
      percentile: 95,
      operator: "<",
      value: 500,
    });
    expect(parsed(" p( 99.9 ) <= 1e3 ")).toMatchObject({
      aggregation: "p(99.9)",
      operator: "<=",
      value: 1000,
    });
    expect(parsed("rate<0.01")).toMatchObject({ aggregation: "rate", operator: "<", value: 0.01 });
    expect(parsed("avg<200")).toMatchObject({ aggregation: "avg", value: 200 });
    expect(parsed("max<=3")).toMatchObject({ aggregation: "max", operator: "<=", value: 3 });
    expect(parsed("count===0")).toMatchObject({ aggregation: "count", operator: "==", value: 0 });
    expect(parsed("value!=-1")).toMatchObject({ aggregation: "value", operator: "!=", value: -1 });
  });

  it("refuses what is not one, naming the expression", () => {
    for (const bad of [
      "p95<500",
      "p(95)",
      "<500",
      "avg<",
      "avg<<2",
      "mean<3",
      "rate<1%",
      "p(101)<5",
    ])
      expect(parseThreshold(bad)).toMatch(
        new RegExp(bad.replace(/[()]/g, "\\$&").replace("<", "<")),
      );
  });

  it("holds per operator, and never for a value that was not measured", () => {
    expect(holds(parsed("p(95)<500"), 499)).toBe(true);
    expect(holds(parsed("p(95)<500"), 500)).toBe(false);
    expect(holds(parsed("p(95)<=500"), 500)).toBe(true);
    expect(holds(parsed("rate>=0.9"), 0.9)).toBe(true);
    expect(holds(parsed("count==0"), 1)).toBe(false);
    expect(holds(parsed("value>=0"), null)).toBe(false);
  });
});

describe("thresholds in the run input", () => {
  const problems = (thresholds: unknown) => {
    const r = runInput.safeParse({ profile: "cache", thresholds });
    return r.success ? [] : fieldProblems(r.error);
  };

  it("keeps them as written", () => {
    const r = runInput.parse({
      profile: "memory",
      thresholds: { "memory.latency_ms": ["p(95)<300", "avg<150"] },
    });
    expect(r.thresholds).toEqual({ "memory.latency_ms": ["p(95)<300", "avg<150"] });
  });

  it("names the field of a bad expression, an unknown metric, an aggregation or operator it does not have", () => {
    expect(problems({ "cache.hit_rate": ["rate>=0.9", "rate>>1"] })).toEqual([
      {
        field: "thresholds.cache.hit_rate.1",
        message: expect.stringMatching(/not a k6 threshold expression: "rate>>1"/),
      },
    ]);
    expect(problems({ "cache.hit_ratio": ["rate>=0.9"] })).toEqual([
      {
        field: "thresholds.cache.hit_ratio",
        message: expect.stringMatching(/unknown threshold metric "cache.hit_ratio"/),
      },
    ]);
    expect(problems({ "cache.hit_rate": ["p(95)<3"] })[0]?.message).toMatch(
      /cache.hit_rate has no p\(95\) \(it has rate\)/,
    );
    expect(problems({ "memory.leak_mb_per_h": ["value>5"] })[0]?.message).toMatch(/takes < or <=/);
    expect(problems({ "load.latency_ms": ["p(99)<5"] })[0]?.message).toMatch(
      /has no p\(99\) \(it has p\(95\)\)/,
    );
    expect(problems({ "cache.hit_rate": [] })[0]?.field).toBe("thresholds.cache.hit_rate");
  });

  it("refuses a value that is not finite: it could not be judged against, nor stored", () => {
    expect(parseThreshold("p(95)<1e999")).toBe('"p(95)<1e999": 1e999 is not a finite number');
    expect(problems({ "memory.leak_mb_per_h": ["value<-1e400"] })).toEqual([
      {
        field: "thresholds.memory.leak_mb_per_h.0",
        message: '"value<-1e400": -1e400 is not a finite number',
      },
    ]);
    // large but finite is a value like any other
    expect(parseThreshold("p(95)<1e300")).toMatchObject({ value: 1e300 });
  });
});
