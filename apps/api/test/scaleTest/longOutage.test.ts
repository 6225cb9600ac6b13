import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange } from "../support/http.ts";
import { ADMIN_TOKEN, adminClient, TOKEN_ENV, waitForRun } from "../support/ops.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";

/**
 * A Postgres outage longer than the run's lease (issue 12 #5): the run ends `aborted`
 * naming the database, and no reader ever sees the false "runner stopped renewing its
 * lease", although every instance reaps expired leases every 300 ms: the runner, alive
 * and beating in Redis, is spared, and records the true cause itself. Postgres here is
 * this file's own, so stopping it touches no other test.
 */
const LEASE_MS = 3_000;
let pg: PrivateServer;
let c: TestCluster;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  c = await startTestCluster("long-outage", {
    instances: 2,
    env: {
      ...TOKEN_ENV,
      DATABASE_URL: `${pg.url}/sp_long_outage`,
      SCALE_TEST_LEASE_MS: String(LEASE_MS),
      SCALE_TEST_REAP_MS: "300",
    },
  });
});
afterAll(async () => {
  await c?.close();
  await pg?.close();
});

/** Whatever the instances answered with 500, by their own request metrics. */
const served500 = async () => {
  const lines: string[] = [];
  for (const id of ["i1", "i2"]) {
    const res = await fetch(`${c.instanceUrl(id)}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const text = await res.text();
    lines.push(...text.split("\n").filter((l) => /_count\{[^}]*status="500"/.test(l)));
  }
  return lines;
};

describe("a Postgres outage longer than the run's lease", () => {
  it("ends the run aborted with DATABASE_UNAVAILABLE, never a dead-runner guess, and serves no 500", async () => {
    const admin = adminClient(c.url);
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    await waitForRun(admin, id, (r) => r.status === "running" && r.progress > 0.05);
    await pg.stop();
    // Down for three leases, with traffic of our own meanwhile (database- and Redis-backed
    // reads, and health): every answer is a typed one, never a 500.
    const statuses = new Set<number>();
    const until = Date.now() + 3 * LEASE_MS;
    while (Date.now() < until) {
      for (const path of ["/api/backtests", barsPath(barsRange(10, 14)), "/ops/health"]) {
        statuses.add((await fetch(c.url + path)).status);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await pg.start();
    // Every state a reader sees until the end: the false reason must never show.
    const reasons = new Set<string | null>();
    const run = await waitForRun(
      admin,
      id,
      (r) => {
        reasons.add(r.reason);
        return r.status !== "running" && r.status !== "queued";
      },
      120_000,
    );
    expect(run.status).toBe("aborted");
    expect(run.reason).toMatch(/^DATABASE_UNAVAILABLE: /);
    expect([...reasons].filter((r) => r?.includes("stopped renewing"))).toEqual([]);
    expect(statuses.has(500)).toBe(false);
    expect(await served500()).toEqual([]);
  });
});
