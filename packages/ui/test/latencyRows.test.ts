import { describe, expect, it } from "vitest";
import { latencyRows, p95Summary } from "../src/LatencyChart/LatencyChart.tsx";

describe("latencyRows", () => {
  it("groups a full run's percentiles by part and a single profile's under 'run'", () => {
    expect(
      latencyRows({
        "cache/latency.p50_ms": 3,
        "cache/latency.p95_ms": 9,
        "memory/latency.p95_ms": 20,
        "jobs/jobs.exec_p95_ms": 700,
        requests: 5,
      }),
    ).toEqual([
      { part: "cache", p50: 3, p95: 9, p99: null },
      { part: "memory", p50: null, p95: 20, p99: null },
    ]);
    expect(latencyRows({ "latency.p99_ms": 12 })).toEqual([
      { part: "run", p50: null, p95: null, p99: 12 },
    ]);
  });

  it("the run list's p95: every part's own in a full run, not the first part's alone", () => {
    expect(
      p95Summary({
        "cache/latency.p95_ms": 9,
        "jobs/latency.p95_ms": 31.5,
        "memory/latency.p95_ms": 20,
        "cache/latency.p50_ms": 3,
      }),
    ).toBe("cache 9 · jobs 31.5 · memory 20");
    expect(p95Summary({ "latency.p95_ms": 12 })).toBe("12");
    expect(p95Summary({ requests: 4 })).toBe("—");
  });
});
