import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startTestCluster, type TestCluster } from "../support/cluster.ts";
import { type Answer, barsPath, barsRange, get } from "../support/http.ts";
import { ADMIN_TOKEN, READ_TOKEN, TOKEN_ENV } from "../support/ops.ts";
import { metricNames } from "../support/promql.ts";
import { type Exposition, one, parseExposition, select, total } from "../support/promText.ts";

/**
 * /metrics on two real instance processes behind the balancer: real traffic first,
 * then each instance's own counters are read back and checked against what the
 * responses (x-cache, x-instance-id) and the job queue's records say happened.
 */
const METRICS_TOKEN = "metrics-token-for-tests-0123456789";
const IDS = ["i1", "i2"] as const;
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("metrics", { instances: 2, env: { ...TOKEN_ENV, METRICS_TOKEN } });
});
afterAll(async () => {
  await c?.close();
});

const fetchMetrics = (id: string, authorization?: string) =>
  fetch(`${c.instanceUrl(id)}/metrics`, authorization ? { headers: { authorization } } : {});

const scrape = async (id: string): Promise<Exposition> => {
  const res = await fetchMetrics(id, `Bearer ${METRICS_TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
};

const scrapeAll = async (): Promise<Record<string, Exposition>> =>
  Object.fromEntries(await Promise.all(IDS.map(async (id) => [id, await scrape(id)] as const)));

/** How much a counter grew on one instance between two scrapes. */
const grew = (
  before: Record<string, Exposition>,
  after: Record<string, Exposition>,
  id: string,
  name: string,
  match: Record<string, string> = {},
) => total(after[id] as Exposition, name, match) - total(before[id] as Exposition, name, match);

const answeredBy = (answers: readonly Answer[], id: string) =>
  answers.filter((a) => a.instanceId === id).length;

describe("/metrics access", () => {
  it("401 without a token or with an unknown one, 403 for the viewer token, 200 for METRICS_TOKEN and admin", async () => {
    for (const id of IDS) {
      const none = await fetchMetrics(id);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
      expect((await fetchMetrics(id, "Bearer not-a-token-of-ours-0123456789")).status).toBe(401);
      expect((await fetchMetrics(id, `Bearer ${READ_TOKEN}`)).status).toBe(403);
      expect((await fetchMetrics(id, `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
      expect((await fetchMetrics(id, `Bearer ${METRICS_TOKEN}`)).status).toBe(200);
    }
    // The metrics token reads metrics and nothing else.
    const ops = await get(`${c.url}/ops/scale-test/status`, {
      authorization: `Bearer ${METRICS_TOKEN}`,
    });
    expect(ops.status).toBe(401);
  });
});

describe("after real traffic", () => {
  it("a MISS then HITs through the balancer: one provider fetch on the instance that fetched, HITs where they were served", async () => {
    const before = await scrapeAll();
    const url = c.url + barsPath(barsRange(10, 15));
    const miss = await get(url);
    expect(miss.status).toBe(200);
    expect(miss.cache).toBe("MISS");
    const fetcher = miss.instanceId as string;
    expect(IDS).toContain(fetcher);
    const hits: Answer[] = [];
    for (let i = 0; i < 8; i++) hits.push(await get(url));
    expect(hits.map((a) => `${a.status} ${a.cache}`)).toEqual(Array(8).fill("200 HIT"));
    const after = await scrapeAll();

    for (const id of IDS) {
      const e = after[id] as Exposition;
      const mine = id === fetcher ? 1 : 0;
      expect(grew(before, after, id, "scaleproof_provider_fetches_total")).toBe(mine);
      expect(grew(before, after, id, "scaleproof_cache_requests_total", { outcome: "MISS" })).toBe(
        mine,
      );
      expect(grew(before, after, id, "scaleproof_cache_requests_total", { outcome: "HIT" })).toBe(
        answeredBy(hits, id),
      );
      expect(total(e, "scaleproof_provider_errors_total")).toBe(0);
      expect(total(e, "scaleproof_cache_stampede_timeouts_total")).toBe(0);

      // The request histogram: one observation per answer, by route pattern, never the URL.
      const bars = { method: "GET", route: "/api/bars", status: "200" };
      expect(grew(before, after, id, "scaleproof_http_request_duration_seconds_count", bars)).toBe(
        answeredBy([miss, ...hits], id),
      );
      const buckets = select(e, "scaleproof_http_request_duration_seconds_bucket", bars);
      const counts = buckets.map((b) => b.value);
      expect(counts).toEqual([...counts].sort((a, b) => a - b)); // cumulative
      expect(
        one(e, "scaleproof_http_request_duration_seconds_bucket", { ...bars, le: "+Inf" }),
      ).toBe(one(e, "scaleproof_http_request_duration_seconds_count", bars));
      const routes = new Set(e.samples.map((s) => s.labels.route).filter(Boolean));
      for (const route of routes) expect(route).not.toMatch(/\?|2013/);

      // Every series carries this instance's id; the boot is named once.
      expect(e.samples.filter((s) => s.labels.instance_id !== id)).toEqual([]);
      expect(select(e, "scaleproof_instance_info")).toHaveLength(1);

      // Dependencies and shedding, as a healthy idle instance has them.
      expect(one(e, "scaleproof_redis_up", { connection: "commands" })).toBe(1);
      expect(one(e, "scaleproof_redis_up", { connection: "subscriber" })).toBe(1);
      expect(one(e, "scaleproof_shed_active")).toBe(0);
      const pressure = one(e, "scaleproof_shed_pressure_ratio", { basis: "heapLimit" });
      expect(pressure).toBeGreaterThan(0);
      expect(pressure).toBeLessThan(one(e, "scaleproof_shed_threshold_ratio", { edge: "high" }));
      expect(one(e, "scaleproof_pg_pool_max")).toBe(4); // DB_POOL_MAX of the test clusters
      expect(one(e, "scaleproof_pg_queries_total", { result: "ok" })).toBeGreaterThan(0);
      const inFlight = one(e, "scaleproof_pg_queries_in_flight");
      expect(Number.isInteger(inFlight) && inFlight >= 0).toBe(true);
      expect(one(e, "scaleproof_pg_queries_waiting")).toBeLessThanOrEqual(inFlight);
      expect(one(e, "scaleproof_pg_transactions_open")).toBeGreaterThanOrEqual(0);

      // Node's runtime metrics.
      expect(one(e, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
      expect(one(e, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
      expect(e.families.get("nodejs_gc_duration_seconds")).toBe("histogram");
    }
  });

  it("a backtest job: claimed, completed and its bars fetched on the instance that ran it, nothing fenced", async () => {
    const before = await scrapeAll();
    const res = await fetch(`${c.url}/api/backtests`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        symbol: "ES",
        tf: "5m",
        start: "2013-10-09",
        end: "2013-10-10",
        fast: 3,
        slow: 12,
      }),
    });
    expect(res.status).toBe(202);
    const { id: jobId } = (await res.json()) as { id: string };
    let status = "";
    for (let i = 0; i < 300 && status !== "completed"; i++) {
      status = (
        (await (await fetch(`${c.url}/api/backtests/${jobId}`)).json()) as { status: string }
      ).status;
      if (status !== "completed") await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe("completed");
    // The queue's own record of who ran it.
    const [finish] = await c.db.sql<{ instance_id: string }[]>`
      select instance_id from job_execution_events where job_id = ${jobId} and kind = 'finish'`;
    const runner = finish?.instance_id as string;
    expect(IDS).toContain(runner);

    // The row commits before the worker counts the completion: read until it shows.
    let after = await scrapeAll();
    for (
      let i = 0;
      i < 100 && grew(before, after, runner, "scaleproof_jobs_completed_total") < 1;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
      after = await scrapeAll();
    }
    for (const id of IDS) {
      const mine = id === runner ? 1 : 0;
      expect(grew(before, after, id, "scaleproof_jobs_claimed_total")).toBe(mine);
      expect(grew(before, after, id, "scaleproof_jobs_completed_total")).toBe(mine);
      expect(grew(before, after, id, "scaleproof_provider_fetches_total")).toBe(mine);
      expect(grew(before, after, id, "scaleproof_jobs_fenced_total")).toBe(0);
      expect(grew(before, after, id, "scaleproof_jobs_failed_attempts_total")).toBe(0);
      expect(grew(before, after, id, "scaleproof_jobs_heartbeat_errors_total")).toBe(0);
      // Completion is counted in the same turn as the slot is freed.
      expect(one(after[id] as Exposition, "scaleproof_jobs_active")).toBe(0);
      const heartbeats = one(after[id] as Exposition, "scaleproof_jobs_heartbeats_total");
      expect(heartbeats).toBeGreaterThanOrEqual(0);
    }
  });
});

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
  readonly panels?: readonly Panel[];
}

describe("the Grafana dashboard", () => {
  it("queries only metric names the instances export, and shows every scaleproof_ family", async () => {
    const file = path.join(REPO_ROOT, "deploy/grafana/scaleproof.json");
    const dashboard = JSON.parse(await readFile(file, "utf8")) as {
      panels: Panel[];
      templating: { list: { query?: string | { query: string } }[] };
    };
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    const graphs = panels.filter((p) => p.type !== "row");
    expect(graphs.length).toBeGreaterThan(10);
    const exprs = graphs.flatMap((p) => {
      expect(p.targets?.length, `panel ${p.title} has no query`).toBeGreaterThan(0);
      return (p.targets ?? []).map((t) => t.expr);
    });
    // Template variables: label_values(metric, label).
    for (const v of dashboard.templating.list) {
      const q = typeof v.query === "string" ? v.query : v.query?.query;
      const m = q && /^label_values\((\w+),\s*\w+\)$/.exec(q);
      if (m?.[1]) exprs.push(m[1]);
    }
    const used = new Set(exprs.flatMap((e) => [...metricNames(e)]));

    const scrapes = await scrapeAll();
    const exported = new Set(IDS.flatMap((id) => [...(scrapes[id] as Exposition).names]));
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
    // Both ways: every family of ours is on the dashboard (as itself or a histogram series).
    const ours = IDS.flatMap((id) => [...(scrapes[id] as Exposition).families.keys()]).filter((f) =>
      f.startsWith("scaleproof_"),
    );
    const shown = (f: string) => ["", "_bucket", "_sum", "_count"].some((s) => used.has(f + s));
    expect(ours.filter((f) => !shown(f))).toEqual([]);
    // The runtime panels the issue asks for.
    for (const n of [
      "nodejs_heap_size_used_bytes",
      "nodejs_gc_duration_seconds_sum",
      "nodejs_eventloop_lag_p99_seconds",
    ]) {
      expect(used).toContain(n);
    }
  });
});
