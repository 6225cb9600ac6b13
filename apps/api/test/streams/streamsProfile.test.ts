import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/**
 * The streams profile on two real instance processes behind HAProxy: 20 progress streams
 * (SSE) of the runner's own run, woken by one Redis subscription per instance.
 */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("streams", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const quickStreamsRun = async () => {
  const admin = adminClient(c.url);
  const { id } = await admin.scaleTest.run.mutate({ profile: "streams", quick: true });
  return await waitForRun(admin, id, undefined, 120_000);
};

describe("streams profile", () => {
  it("a quick run PASSes: 20 streams over both instances, none dropped, queries flat in subscribers", async () => {
    const run = await quickStreamsRun();
    expect(run.checks.filter((k) => !k.pass)).toEqual([]);
    expect(run.status).toBe("passed");
    expect(run.metrics["streams.connections_count"]).toBe(20);
    expect(run.metrics["streams.instances_count"]).toBe(2);
    expect(checkOf(run, "streams.delivered").actual).toBeGreaterThanOrEqual(10);
    expect(typeof checkOf(run, "streams.queries_per_subscriber").actual).toBe("number");
  }, 130_000);

  it("the streams-drop fault (every stream ended after 3 events) FAILs it, naming the drops", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "streams-drop", params: { after: 3 } });
    try {
      const run = await quickStreamsRun();
      expect(run.status).toBe("failed");
      const dropped = checkOf(run, "streams.dropped");
      expect(dropped.pass).toBe(false);
      expect(dropped.actual).toBe(20);
      expect(dropped.detail).toMatch(/after 3 events: the server ended the stream/);
    } finally {
      await admin.faults.clear.mutate({ name: "streams-drop" });
    }
  }, 130_000);
});
