import { Hono } from "hono";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { httpMetrics, timeRequests } from "../../src/metrics/http.ts";
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

describe("requests in flight, as the load profile's recovery reads them", () => {
  it("counts the service's own requests (area api), not a UI stream or a status poll (ops)", async () => {
    const registry = new Registry();
    const http = httpMetrics(registry);
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const app = new Hono();
    app.use("*", timeRequests(http, new Set()));
    app.get("/trpc/scaleTest.progress", async (c) => {
      await held; // a browser watching a run: its stream stays open
      return c.text("done");
    });
    app.get("/api/bars", (c) => c.text("bars"));
    const watching = app.request("/trpc/scaleTest.progress");
    await app.request("/api/bars");
    const names = new Set(["scaleproof_http_requests_in_flight"]);
    const during = promSamples(await registry.metrics(), names);
    expect(gaugeOf(during, "scaleproof_http_requests_in_flight", { area: "api" })).toBe(0);
    expect(gaugeOf(during, "scaleproof_http_requests_in_flight", { area: "ops" })).toBe(1);
    // all areas together (what the recovery read before): the watcher counted as a queue
    expect(gaugeOf(during, "scaleproof_http_requests_in_flight")).toBe(1);
    release();
    await watching;
    const after = promSamples(await registry.metrics(), names);
    expect(gaugeOf(after, "scaleproof_http_requests_in_flight", { area: "ops" })).toBe(0);
    // a label no sample carries: not exposed, not 0
    expect(gaugeOf(after, "scaleproof_http_requests_in_flight", { area: "nope" })).toBeNull();
  });
});
