import { describe, expect, it } from "vitest";
import { latencyRows } from "../src/LatencyChart/LatencyChart.tsx";

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
});
