import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, TOKEN_ENV, waitForRun } from "../support/ops.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";

/**
 * A run rides out a Postgres blip shorter than its lease (issue 12 #5). Postgres here is this file's own, so stopping it touches no other test.
 */
let pg: PrivateServer;
let c: TestCluster;
const LEASE_MS = 15_000;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  c = await startTestCluster("ride-out", {
    instances: 2,
    env: {
      ...TOKEN_ENV,
      DATABASE_URL: `${pg.url}/sp_ride_out`,
      SCALE_TEST_LEASE_MS: String(LEASE_MS),
    },
  });
});
afterAll(async () => {
  await c?.close();
  await pg?.close();
});

const outage = async (ms: number) => {
  await pg.stop();
  await new Promise((r) => setTimeout(r, ms));
  await pg.start();
};

describe("a run and a Postgres outage", () => {
  it("a 2.5 s restart mid-run: the run carries on and ends with its verdict", async () => {
    const admin = adminClient(c.url);
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    await waitForRun(admin, id, (r) => r.status === "running" && r.progress > 0.05);
    await outage(2_500);
    const run = await waitForRun(admin, id, undefined, 180_000);
    expect(run.reason).toBeNull();
    expect(run.status).toBe("passed");
  });
});
