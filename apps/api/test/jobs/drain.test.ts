import { checkHistory } from "@scaleproof/core/jobs/history";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJobHistory } from "../../src/scaleTest/jobEvidence.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange, get } from "../support/http.ts";
import { runEvidence, TOKEN_ENV } from "../support/ops.ts";
import { replayClient } from "../support/replay.ts";

/**
 * A graceful stop (the platform drains the instance in the balancer, then SIGTERM):
 * no request fails, and the jobs the instance was running are handed back at once,
 * without using up an attempt, and finish elsewhere exactly once (issue 14 #5).
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("drain", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

describe("graceful stop", () => {
  it("drains requests and hands job leases back without using an attempt", async () => {
    const runId = `drain_${Date.now()}`;
    const ranges = Array.from({ length: 6 }, (_, i) => barsRange(10, 13 + i, 60));
    // Slow bars for these jobs, so both instances hold jobs when one is stopped.
    await replayClient(c.replay).knobs({ latencyMs: 4_000 });
    const ids: string[] = [];
    for (const r of ranges) {
      const res = await fetch(`${c.url}/api/backtests`, {
        method: "POST",
        headers: {
          ...runEvidence(runId, "/api/backtests", "POST"),
          "content-type": "application/json",
        },
        body: JSON.stringify({ symbol: "ES", tf: "1m", ...r }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const runningOn = async () =>
      new Set(
        (
          await c.db.sql<{ lease_owner: string }[]>`
            select lease_owner from jobs where run_id = ${runId} and status = 'running'`
        ).map((r) => r.lease_owner.split("/")[0]),
      );
    for (let i = 0; i < 100 && (await runningOn()).size < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([...(await runningOn())].sort()).toEqual(["i1", "i2"]);

    // Readers keep coming through the balancer while i2 is drained and stopped.
    let reading = true;
    const answers: number[] = [];
    const reader = (async () => {
      const path = barsPath(barsRange(7, 9));
      while (reading) answers.push((await get(c.url + path)).status);
    })();
    await c.supervisor.remove("i2");
    await replayClient(c.replay).knobs({});
    reading = false;
    await reader;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((s) => s !== 200)).toEqual([]);

    for (let i = 0; i < 300; i++) {
      const [{ n } = { n: 0 }] = await c.db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where run_id = ${runId} and status = 'completed'`;
      if (n === ids.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await c.db.sql<{ status: string; attempt_count: number; max_attempts: number }[]>`
      select status, attempt_count, max_attempts from jobs where run_id = ${runId}`;
    expect(rows.map((r) => r.status)).toEqual(Array(ids.length).fill("completed"));
    // Attempts used = attempts made minus those a graceful stop gave back: one each.
    for (const r of rows) expect(r.attempt_count - (r.max_attempts - 3)).toBe(1);
    const history = await readJobHistory(c.db.sql, runId);
    expect(history.events.filter((e) => e.kind === "released").length).toBeGreaterThan(0);
    expect(history.events.filter((e) => e.kind === "failed")).toEqual([]);
    const verdict = checkHistory(history.jobs, history.events);
    expect(verdict.anomalies).toEqual([]);
  });
});
