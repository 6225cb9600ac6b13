import { describe, expect, it } from "vitest";
import { metricNames } from "../support/promql.ts";
import { one, parseExposition, total } from "../support/promText.ts";

/** The test-support parsers the metrics tests rely on: strict, so they fail loudly. */
describe("parseExposition", () => {
  const text = [
    "# HELP up_total Things.",
    "# TYPE up_total counter",
    'up_total{kind="a",instance_id="i1"} 3',
    'up_total{kind="b\\"q\\\\",instance_id="i1"} 4',
    "# TYPE lat_seconds histogram",
    'lat_seconds_bucket{le="0.1"} 1',
    'lat_seconds_bucket{le="+Inf"} 2',
    "lat_seconds_sum 0.3",
    "lat_seconds_count 2",
    "",
  ].join("\n");

  it("reads families, labels (with escapes) and values", () => {
    const e = parseExposition(text);
    expect(e.families.get("lat_seconds")).toBe("histogram");
    expect(total(e, "up_total")).toBe(7);
    expect(one(e, "up_total", { kind: 'b"q\\' })).toBe(4);
    expect(one(e, "lat_seconds_bucket", { le: "+Inf" })).toBe(2);
    expect([...e.names].sort()).toEqual([
      "lat_seconds_bucket",
      "lat_seconds_count",
      "lat_seconds_sum",
      "up_total",
    ]);
  });

  it("refuses what it does not understand", () => {
    expect(() => parseExposition("stray 1\n")).toThrow(/no declared family/);
    expect(() => parseExposition("# TYPE x gauge\nx{a=1} 1\n")).toThrow(/bad label set/);
    expect(() => parseExposition("# TYPE x gauge\nx 1\nx 2\n")).toThrow(/duplicate/);
    expect(() => parseExposition("# TYPE x gauge\nx one\n")).toThrow(/bad value/);
    expect(() => parseExposition("# TYPE h histogram\nh_bucket 1\n")).toThrow(/without le/);
    expect(() => parseExposition("# TYPE x gauge\n# TYPE x gauge\n")).toThrow(/twice/);
  });
});

describe("metricNames", () => {
  it("finds the metrics, not functions, labels, strings, durations or variables", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{instance_id=~"$instance_id", x="y(z)"}[$__rate_interval])))',
      ),
    ).toEqual(new Set(["a_bucket"]));
    expect(
      metricNames(
        'sum(rate(b_total{outcome="HIT"}[5m])) / sum without (kind) (rate(b_total[5m] offset 1h)) > bool 0 and on (instance_id) c',
      ),
    ).toEqual(new Set(["b_total", "c"]));
  });

  it("throws rather than let a name slip by unchecked", () => {
    expect(() => metricNames("made_up_fn(x)")).toThrow(/unknown function/);
    expect(() => metricNames('{__name__="x"}')).toThrow(/__name__/);
    expect(() => metricNames("sum by route (x)")).toThrow(/label list/);
  });
});
