import type { RunView } from "@scaleproof/core/scale-test/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, adminClient, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/**
 * Run coordination across real instance processes: one active run cluster-wide, a run
 * whose runner is SIGKILLed ends `aborted` (never stuck), and cancel works.
 */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("run-lifecycle", {
    instances: 2,
    env: { ...TOKEN_ENV, SCALE_TEST_LEASE_MS: "1500", SCALE_TEST_REAP_MS: "250" },
  });
});
afterAll(async () => {
  await c?.close();
});

/**
 * A long (non-quick) run, started with the seed's REST call: its sustain step keeps it
 * busy for a minute unless stopped.
 */
const startLongRun = async (): Promise<RunView> => {
  const res = await fetch(`${c.url}/ops/scale-test/run?profile=cache&durationMin=1`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(res.status).toBe(202);
  const run = (await res.json()) as RunView;
  expect(run).toMatchObject({ profile: "cache", status: "running", params: { durationMin: 1 } });
  await waitForRun(adminClient(c.url), run.id, (r) => r.currentStep === "sustain");
  return run;
};

describe("run lifecycle", () => {
  it("one active run at a time, whichever instance is asked", async () => {
    const admin = adminClient(c.url);
    const run = await startLongRun();
    for (const id of ["i1", "i2"]) {
      const other = adminClient(c.instanceUrl(id));
      await expect(other.scaleTest.run.mutate({ profile: "cache", quick: true })).rejects.toThrow(
        new RegExp(`run ${run.id} is active`),
      );
    }
    await admin.scaleTest.cancel.mutate({ runId: run.id });
    const ended = await waitForRun(admin, run.id);
    expect(ended.status).toBe("aborted");
    expect(ended.reason).toBe("cancelled by an admin");
    expect(ended.checks.length).toBeGreaterThan(0); // what it had measured is kept
    await expect(admin.scaleTest.cancel.mutate({ runId: run.id })).rejects.toThrow(
      /already aborted/,
    );
  });

  it("the runner's instance killed mid-run: the run ends aborted with the reason, and a new run starts", async () => {
    const admin = adminClient(c.url);
    const run = await startLongRun();
    const runner = c.supervisor.view().find((s) => s.instanceId === run.runner.instanceId);
    if (!runner?.pid) throw new Error("runner instance not found");
    process.kill(runner.pid, "SIGKILL");
    const ended = await waitForRun(admin, run.id, (r) => r.status !== "running", 30_000);
    expect(ended.status).toBe("aborted");
    expect(ended.reason).toMatch(
      new RegExp(
        `^runner ${run.runner.instanceId} \\(boot ${run.runner.bootId}\\) stopped renewing its lease`,
      ),
    );
    await c.allLive();
    const next = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    const done = await waitForRun(admin, next.id);
    expect(done.status).toBe("passed");
  });
});
