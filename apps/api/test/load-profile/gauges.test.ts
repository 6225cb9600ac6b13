import { describe, expect, it } from "vitest";
import { gaugeOf, promSamples } from "../../src/scaleTest/gauges.ts";

const TEXT = `# HELP scaleproof_http_requests_in_flight HTTP requests being handled now
# TYPE scaleproof_http_requests_in_flight gauge
scaleproof_http_requests_in_flight{instance_id="i1"} 3
# TYPE scaleproof_pg_queries_waiting gauge
scaleproof_pg_queries_waiting{instance_id="i1"} 0
scaleproof_instance_info{boot_id="b-1",version="1.0",instance_id="i1"} 1
scaleproof_jobs_active{instance_id="i1",kind="a"} 1
scaleproof_jobs_active{instance_id="i1",kind="b"} 2
scaleproof_jobs_active_total{instance_id="i1"} 99
nodejs_eventloop_lag_seconds{instance_id="i1"} 0.01
`;

describe("an instance's /metrics gauges", () => {
  it("reads the named ones, summed over their label sets; others and lookalikes skipped", () => {
    const s = promSamples(
      TEXT,
      new Set([
        "scaleproof_http_requests_in_flight",
        "scaleproof_jobs_active",
        "scaleproof_instance_info",
      ]),
    );
    expect(gaugeOf(s, "scaleproof_http_requests_in_flight")).toBe(3);
    expect(gaugeOf(s, "scaleproof_jobs_active")).toBe(3);
    expect(s.get("scaleproof_instance_info")?.[0]?.labels).toEqual({
      boot_id: "b-1",
      version: "1.0",
      instance_id: "i1",
    });
    // asked for but not exposed: null, not 0
    expect(gaugeOf(s, "scaleproof_pg_queries_waiting")).toBeNull();
  });
});
