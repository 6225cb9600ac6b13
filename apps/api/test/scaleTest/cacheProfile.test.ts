import { readFile } from "node:fs/promises";
import path from "node:path";
import { runExport } from "@scaleproof/core/scale-test/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startTestCluster, type TestCluster } from "../support/cluster.ts";
import {
  ADMIN_TOKEN,
  adminClient,
  checkOf,
  runCli,
  TOKEN_ENV,
  waitForRun,
} from "../support/ops.ts";

/**
 * The cache profile end to end: the real CLI starts a run through the front door, an
 * instance runs it against two real instance processes, and the verdict comes from
 * evidence the system left in Redis, Postgres and the replay upstream.
 */
let c: TestCluster;
const artifacts = path.join(REPO_ROOT, "test-artifacts");

beforeAll(async () => {
  c = await startTestCluster("cache-profile", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

describe("cache profile on a real 2-instance cluster", () => {
  it("PASSes from the CLI, exit 0, and the export shows the seed's criteria", async () => {
    const file = path.join(artifacts, "cache-profile-pass.json");
    const r = await runCli(
      ["run", "--profile", "cache", "--quick", "--target", c.url, "--json", file],
      {
        SCALEPROOF_TOKEN: ADMIN_TOKEN,
      },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/cache: PASS/);
    // live progress came over the SSE subscription, to the end
    expect(r.stdout).toMatch(/\] 100% {2}verdict/);
    expect(r.stdout).toMatch(/^ {2}PASS stampede\.provider_fetch: 1 \(expected = 1\)$/m);
    expect(r.code).toBe(0);
    const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
    expect(doc.run.status).toBe("passed");
    expect(doc.metrics["stampede.provider_fetch"]).toBe(1);
    expect(doc.metrics.hit_rate_after_warmup).toBeGreaterThanOrEqual(0.9);
    expect(checkOf(doc, "cross.instances_hitting_one_key").actual).toBeGreaterThanOrEqual(2);
    expect(checkOf(doc, "stampede.evidence_agrees").actual).toBe("redis 1, events 1, upstream 1");
    expect(doc.environment.instancesSeen.map((i) => i.instanceId).sort()).toEqual(["i1", "i2"]);
    expect(doc.environment.provider).toMatch(/replay/);
  });

  it("FAILs with provider_fetch > 1 when an admin turns stampede protection off", async () => {
    const admin = adminClient(c.url);
    const set = await runCli(["fault", "set", "cache-no-lock", "--target", c.url], {
      SCALEPROOF_TOKEN: ADMIN_TOKEN,
    });
    expect(set).toMatchObject({ code: 0, stdout: "active: cache-no-lock@*\n" });
    try {
      const file = path.join(artifacts, "cache-profile-no-lock.json");
      const r = await runCli(
        ["run", "--profile", "cache", "--quick", "--target", c.url, "--json", file],
        {
          SCALEPROOF_TOKEN: ADMIN_TOKEN,
        },
      );
      expect(r.stdout).toMatch(/cache: FAIL/);
      expect(r.code).toBe(1);
      const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
      const stampede = checkOf(doc, "stampede.provider_fetch");
      expect(stampede.pass).toBe(false);
      expect(stampede.actual).toBeGreaterThan(1);
      expect(doc.metrics.faults_active).toBe("cache-no-lock");
      // The evidence still agrees: the harness counted every one of the extra fetches.
      expect(checkOf(doc, "stampede.evidence_agrees").pass).toBe(true);
    } finally {
      await admin.faults.clear.mutate({});
    }
    // and with protection back on, the next run passes again
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    expect((await waitForRun(admin, id)).status).toBe("passed");
  });

  it("status and results are answered identically by both instances", async () => {
    const latest = await adminClient(c.url).scaleTest.status.query();
    expect(latest?.status).toBe("passed");
    const bodies = await Promise.all(
      ["i1", "i2"].map(async (id) => {
        const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const base = c.instanceUrl(id);
        const status = await fetch(`${base}/ops/scale-test/status`, { headers });
        const results = await fetch(`${base}/ops/scale-test/results?runId=${latest?.id}`, {
          headers,
        });
        expect(status.headers.get("x-instance-id")).toBe(id);
        return { status: await status.json(), results: await results.json() };
      }),
    );
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]?.status).toMatchObject({ id: latest?.id, status: "passed" });
  });
});
