import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/** The full profile (cache -> jobs -> memory) and its one verdict, on real processes. */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("full-profile", {
    instances: 2,
    env: { ...TOKEN_ENV, JOBS_LEASE_MS: "1500", JOBS_POLL_MS: "500" },
  });
});
afterAll(async () => {
  await c?.close();
});

const fullQuick = async () => {
  const admin = adminClient(c.url);
  const { id } = await admin.scaleTest.run.mutate({ profile: "full", quick: true });
  return await waitForRun(admin, id, undefined, 170_000);
};

describe("full profile", () => {
  it("Scale Ready: YES on a healthy 2-instance cluster (a real crash included)", async () => {
    const run = await fullQuick();
    expect(run.checks.filter((k) => !k.pass)).toEqual([]);
    expect(run.metrics.scale_ready).toBe("YES");
    expect(run.metrics["verdict.jobs"]).toBe("PASS");
    expect(checkOf(run, "jobs/crash.instance_restarted").pass).toBe(true);
    // the local cluster lets the runner narrow the front door: the scaling figures are measured
    expect(run.metrics["scaling.p95_one_instance_ms"]).toEqual(expect.any(Number));
    expect(run.metrics["scaling.p95_ratio_one_vs_all"]).toEqual(expect.any(Number));
    expect(run.metrics.scaling).toMatch(/^p95 .* ms -> .* ms with 2 instances/);
    expect(run.metrics["scaling.failed_requests_count"]).toBe(0);
  }, 180_000);

  it("Scale Ready: NO with stampede protection off, naming the profile and the check", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "cache-no-lock" });
    try {
      const run = await fullQuick();
      expect(run.status).toBe("failed");
      expect(run.metrics.scale_ready).toBe("NO");
      const stampede = checkOf(run, "ready.stampede");
      expect(stampede.pass).toBe(false);
      expect(stampede.detail).toContain("cache/stampede.provider_fetch");
      expect(checkOf(run, "ready.jobs").pass).toBe(true);
    } finally {
      await admin.faults.clear.mutate({});
    }
  }, 180_000);
});
