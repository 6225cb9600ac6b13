import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";
import { type PrivateServer, startPrivateRedis } from "../support/privateServers.ts";

/**
 * Infrastructure faults as profile steps (issue 13 #5), Redis half: the cache profile
 * with `restarts: ["redis"]` on a real 2-instance cluster whose Redis is this file's own,
 * which the platform was told it may restart. The instances ride it out (same boot ids)
 * and the stampede on new keys once it is back costs one provider fetch per key, counted
 * from the persisted events and the replay upstream (the run's Redis counters are gone).
 */
let redis: PrivateServer;
let c: TestCluster;

beforeAll(async () => {
  redis = await startPrivateRedis();
  c = await startTestCluster("cache-redis-restart", {
    instances: 2,
    env: { ...TOKEN_ENV, REDIS_URL: redis.url },
    restartable: { redis: { stop: () => redis.stop(), start: () => redis.start() } },
  });
});
afterAll(async () => {
  await c?.close();
  await redis?.close();
});

describe("cache profile with a Redis restart on a real cluster", () => {
  it("PASSes: no instance crashed, one provider fetch per new key after Redis came back", async () => {
    const admin = adminClient(c.url);
    const { id } = await admin.scaleTest.run.mutate({
      profile: "cache",
      quick: true,
      restarts: ["redis"],
    });
    const run = await waitForRun(admin, id);
    expect(run.checks.filter((x) => !x.pass)).toEqual([]);
    expect(run.status).toBe("passed");
    expect(checkOf(run, "redis_restart.no_crash").actual).toBe(0);
    expect(checkOf(run, "redis_restart.answered").pass).toBe(true);
    expect(checkOf(run, "redis_restart.provider_fetch").actual).toBe("events 3, upstream 3");
    expect(run.metrics["redis_restart.down_ms"]).toBeGreaterThan(0);
    // the run's other checks still stand: taken before the restart wiped the counters
    expect(checkOf(run, "run.one_fetch_per_key").pass).toBe(true);
  });
});
