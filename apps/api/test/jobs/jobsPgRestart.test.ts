import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";

/**
 * Infrastructure faults as profile steps (issue 13 #5), Postgres half: the jobs profile
 * with `restarts: ["postgres"]` on a real 2-instance cluster whose Postgres is this file's
 * own, which the platform was told it may restart. Postgres goes down while the jobs are
 * in flight; no job is lost or run twice, and the run itself ends with its verdict.
 */
let pg: PrivateServer;
let c: TestCluster;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  c = await startTestCluster("jobs-pg-restart", {
    instances: 2,
    env: {
      ...TOKEN_ENV,
      DATABASE_URL: `${pg.url}/sp_jobs_pg_restart`,
      JOBS_LEASE_MS: "1500",
      JOBS_POLL_MS: "500",
    },
    restartable: { postgres: { stop: () => pg.stop(), start: () => pg.start() } },
  });
});
afterAll(async () => {
  await c?.close();
  await pg?.close();
});

describe("jobs profile with a Postgres restart on a real cluster", () => {
  it("PASSes: Postgres restarted with jobs in flight, none lost or run twice, the run ends honestly", async () => {
    const admin = adminClient(c.url);
    // Quick backtests on a fast upstream: the first wave of 20 can drain before the stop
    // takes effect (it did, on this machine: "20 of 20 first-wave jobs had finished before
    // it"), so the jobs streamed in while the restart is under way are the ones in flight.
    const { id } = await admin.scaleTest.run.mutate({
      profile: "jobs",
      quick: true,
      crash: false,
      restarts: ["postgres"],
    });
    const run = await waitForRun(admin, id);
    expect(run.checks.filter((x) => !x.pass)).toEqual([]);
    expect(run.status).toBe("passed");
    expect(checkOf(run, "pg_restart.jobs_in_flight").actual).toBeGreaterThanOrEqual(1);
    expect(run.metrics["pg_restart.down_ms"]).toBeGreaterThan(0);
    expect(run.metrics["jobs.lost_count"]).toBe(0);
    expect(run.metrics["jobs.duplicates_count"]).toBe(0);
    // every job accepted, the wave's 20 and each streamed one, completed exactly once
    const streamed = Number(run.metrics["pg_restart.streamed_count"]);
    expect(streamed).toBeGreaterThan(0);
    expect(run.metrics["jobs.completed_count"]).toBe(20 + streamed);
    expect(checkOf(run, "jobs.enqueued").actual).toBe(20 + streamed);
  });
});
