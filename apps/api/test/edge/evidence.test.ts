import { HEADERS } from "@scaleproof/core/wire/headers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requestLineOf, signEvidence } from "../../src/runs/evidenceSignature.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange } from "../support/http.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../support/ops.ts";

/**
 * Only the runner can tag requests as run evidence (issue 11 #4): an anonymous caller who
 * knows a run id can neither add to nor subtract from that run's counters, events or jobs;
 * a request signed with the run's key counts.
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("evidence", { instances: 1, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const counters = async (runId: string) => {
  const names = ["cache_hit", "cache_miss", "provider_fetch", "invalid_evidence"] as const;
  const values = await c.redis.mget(names.map((n) => `scaleTest:{${runId}}:${n}`));
  return Object.fromEntries(names.map((n, i) => [n, Number(values[i] ?? 0)]));
};
const persisted = async (runId: string) => {
  const [row] = await c.db.sql<{ events: number; jobs: number }[]>`
    select (select count(*)::int from bars_request_events where run_id = ${runId}) as events,
           (select count(*)::int from jobs where run_id = ${runId}) as jobs`;
  return row;
};
const backtest = (hour: number) =>
  JSON.stringify({ symbol: "ES", tf: "1m", ...barsRange(9, hour, 60) });

describe("run evidence", () => {
  it("anonymous tags (unsigned, forged, replayed on another path) count for nothing, and show", async () => {
    const runId = `run_forged_${Date.now()}`;
    const path = barsPath(barsRange(8, 10));
    const replayed = signEvidence(ADMIN_TOKEN, runId, requestLineOf("GET", "/api/bars?other=1"));
    const attempts: Record<string, string>[] = [
      { [HEADERS.run]: runId },
      { [HEADERS.run]: runId, [HEADERS.runSignature]: "v1.1.x.AAAA" },
      signEvidence("not-the-admin-token-000000000000", runId, requestLineOf("GET", path)),
      replayed,
    ];
    for (const headers of attempts) {
      expect((await fetch(c.url + path, { headers })).status).toBe(200);
      const post = await fetch(`${c.url}/api/backtests`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: backtest(11),
      });
      expect(post.status).toBe(202);
    }
    expect(await counters(runId)).toEqual({
      cache_hit: 0,
      cache_miss: 0,
      provider_fetch: 0,
      invalid_evidence: attempts.length * 2,
    });
    // a signed request after them: once its event is stored, any earlier one would be too
    // (the sink writes its batches in order)
    const marker = `${runId}_marker`;
    const markerPath = barsPath(barsRange(8, 12));
    await fetch(c.url + markerPath, {
      headers: signEvidence(ADMIN_TOKEN, marker, requestLineOf("GET", markerPath)),
    });
    await vi.waitFor(async () => expect((await persisted(marker))?.events).toBe(1), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await persisted(runId)).toEqual({ events: 0, jobs: 0 });
  });

  it("the runner's signed requests count", async () => {
    const runId = `run_signed_${Date.now()}`;
    const path = barsPath(barsRange(8, 15));
    const res = await fetch(c.url + path, {
      headers: signEvidence(ADMIN_TOKEN, runId, requestLineOf("GET", path)),
    });
    expect(res.headers.get("x-cache")).toBe("MISS");
    const post = await fetch(`${c.url}/api/backtests`, {
      method: "POST",
      headers: {
        ...signEvidence(ADMIN_TOKEN, runId, requestLineOf("POST", "/api/backtests")),
        "content-type": "application/json",
      },
      body: backtest(13),
    });
    expect(post.status).toBe(202);
    expect(await counters(runId)).toMatchObject({
      cache_miss: 1,
      provider_fetch: 1,
      invalid_evidence: 0,
    });
    // events are written in batches off the request path (at most 50 ms later)
    await vi.waitFor(async () => expect(await persisted(runId)).toEqual({ events: 1, jobs: 1 }), {
      timeout: 10_000,
      interval: 50,
    });
  });

  it("run ids stay off public job records", async () => {
    const privateRun = `run_private_${Date.now()}`;
    const post = await fetch(`${c.url}/api/backtests`, {
      method: "POST",
      headers: {
        ...signEvidence(ADMIN_TOKEN, privateRun, requestLineOf("POST", "/api/backtests")),
        "content-type": "application/json",
      },
      body: backtest(14),
    });
    const { id } = (await post.json()) as { id: string };
    const pub = (await (await fetch(`${c.url}/api/backtests/${id}`)).json()) as object;
    expect(pub).not.toHaveProperty("runId");
    const admin = (await (
      await fetch(`${c.url}/api/backtests/${id}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { runId: string };
    expect(admin.runId).toBe(privateRun);
    expect((await fetch(`${c.url}/api/backtests?runId=${privateRun}`)).status).toBe(403);
    expect(JSON.stringify(await (await fetch(`${c.url}/api/backtests`)).json())).not.toContain(
      privateRun,
    );
  });
});
