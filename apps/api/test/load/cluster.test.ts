import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLevel } from "../../src/load/level.ts";
import { warmCachedKeys } from "../../src/load/warm.ts";
import { workload } from "../../src/load/workload.ts";
import { RUN_COUNTERS, runCounterKey } from "../../src/runs/counters.ts";
import { requestLineOf, signEvidence } from "../../src/runs/evidenceSignature.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../support/ops.ts";
import { expectBalanced } from "./server.ts";

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("load-engine", { instances: 1, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.redis.del(RUN_COUNTERS.map((n) => runCounterKey(RUN, n)));
  await c?.close();
});

/** Run counters live in Redis for a week, outside the cluster's key prefix: one id per test run. */
const RUN = `run_load_${randomBytes(4).toString("hex")}`;

/** The run's evidence as the instances recorded it (counters are bumped after answering). */
const evidence = async (expectedBars: number) => {
  const keys = ["cache_hit", "cache_miss", "invalid_evidence"].map(
    (n) => `scaleTest:{${RUN}}:${n}`,
  );
  for (let i = 0; i < 100; i++) {
    const [hit, miss, invalid] = (await c.redis.mget(keys)).map((v) => Number(v ?? 0));
    if ((hit ?? 0) + (miss ?? 0) >= expectedBars || i === 99) {
      const [row] = await c.db.sql<{ jobs: number }[]>`
        select count(*)::int as jobs from jobs where run_id = ${RUN}`;
      return { hit, miss, invalid, jobs: row?.jobs };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("unreachable");
};

describe("runLevel against a real 1-instance cluster behind HAProxy", () => {
  it("warms the cached keys, then a signed mixed level is answered and counted as the run's evidence", async () => {
    const w = workload({
      mix: { barsCached: 3, barsNew: 1, backtests: 1 },
      seed: 11,
      idempotencyPrefix: RUN,
    });
    const headersFor = (method: string, path: string) =>
      signEvidence(ADMIN_TOKEN, RUN, requestLineOf(method, path));
    const warmed = await warmCachedKeys({ target: c.url, workload: w, headersFor });
    expect(warmed.map((x) => x.outcome)).toEqual(
      Array.from({ length: 4 }, () => ({ kind: "answered", status: 200 })),
    );
    const r = await runLevel({
      target: c.url,
      rate: 20,
      durationMs: 3_000,
      arrival: { kind: "poisson", seed: 3 },
      workload: w,
      headersFor,
      connections: 8,
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ scheduled: 60, sent: 60, answered: 60, dropped: 0 });
    expect(r.byKind).toEqual({
      barsCached: { sent: 36, answered: 36 },
      barsNew: { sent: 12, answered: 12 },
      backtest: { sent: 12, answered: 12 },
    });
    expect(r.statuses).toEqual({ "200": 48, "202": 12 });
    // Warm-up and new keys were misses, cached keys hits; every backtest a job of the run.
    expect(await evidence(4 + 48)).toEqual({ hit: 36, miss: 16, invalid: 0, jobs: 12 });
  });
});
