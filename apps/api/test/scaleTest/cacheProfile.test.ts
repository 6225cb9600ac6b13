import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type RunExport, runExport } from "@scaleproof/core/scale-test/schema";
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
 * evidence the system left in Redis, Postgres and the replay upstream. Each planted
 * partial defect (one layer of the stampede protocol broken) must FAIL it, the healthy
 * system must PASS it twice in a row, and its export must re-judge to the same verdict.
 */
let c: TestCluster;
const artifacts = path.join(REPO_ROOT, "test-artifacts");
const cli = (args: string[]) => runCli(args, { SCALEPROOF_TOKEN: ADMIN_TOKEN });

beforeAll(async () => {
  c = await startTestCluster("cache-profile", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

/** A quick cache run with the fault set (admin switch, all instances), and its export. */
const runWithFault = async (fault: string): Promise<RunExport> => {
  const admin = adminClient(c.url);
  const set = await cli(["fault", "set", fault, "--target", c.url]);
  expect(set).toMatchObject({ code: 0, stdout: `active: ${fault}@*\n` });
  try {
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    expect((await waitForRun(admin, id)).status).toBe("failed");
    const doc = runExport.parse(await admin.scaleTest.export.query({ runId: id }));
    expect(doc.notes?.faults_active).toBe(fault);
    await writeFile(path.join(artifacts, `cache-profile-${fault}.json`), JSON.stringify(doc));
    return doc;
  } finally {
    await admin.faults.clear.mutate({});
    await c.allLive();
  }
};

const failed = (doc: RunExport) => doc.checks.filter((x) => !x.pass).map((x) => x.name);

describe("cache profile on a real 2-instance cluster", () => {
  it("PASSes from the CLI, exit 0: one fetch overlapped on both instances, a holder taken over", async () => {
    const file = path.join(artifacts, "cache-profile-pass.json");
    const r = await cli([
      "run",
      "--profile",
      "cache",
      "--quick",
      "--target",
      c.url,
      "--json",
      file,
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/cache: PASS/);
    // live progress came over the SSE subscription, to the end (a crash on the way included)
    expect(r.stdout).toMatch(/\] 100% {2}verdict/);
    expect(r.stdout).toMatch(/^ {2}PASS stampede\.provider_fetch: 1 \(expected = 1\)$/m);
    expect(r.code).toBe(0);
    const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
    expect(doc.run.status).toBe("passed");
    expect(doc.metrics["stampede.provider_fetch_count"]).toBe(1);
    expect(doc.metrics.hit_rate_after_warmup_ratio).toBeGreaterThanOrEqual(0.9);
    // the requests overlapped the one fetch on both instances (their own timings)
    expect(checkOf(doc, "stampede.overlap").actual).toBe(2);
    expect(checkOf(doc, "stampede.overlap").detail).toMatch(/replay upstream, fetch slowed/);
    expect(checkOf(doc, "stampede.single_flight").actual).toBe(0);
    expect(checkOf(doc, "stampede.evidence_agrees").actual).toBe("redis 1, events 1, upstream 1");
    // the runner's own instance was spared: the other one died holding the lease
    const victim = doc.environment.runner.instanceId === "i1" ? "i2" : "i1";
    expect(checkOf(doc, "takeover.holder_died").actual).toMatch(new RegExp(`^${victim} boot `));
    expect(checkOf(doc, "takeover.one_takeover_fetch").actual).toBe(1);
    expect(checkOf(doc, "takeover.waiters_answered").pass).toBe(true);
    expect(checkOf(doc, "takeover.evidence_agrees").actual).toBe(
      "redis 2, events 1 + 1 died, upstream 2",
    );
    expect(checkOf(doc, "run.one_fetch_per_key").actual).toBe("redis 4, upstream 4");
    expect(checkOf(doc, "cross.instances_hitting_one_key").actual).toBeGreaterThanOrEqual(2);
    expect(doc.environment.instancesSeen.map((i) => i.instanceId).sort()).toEqual(["i1", "i2"]);
    expect(doc.environment.provider).toMatch(/replay/);
    expect(doc.evidence?.profile).toBe("cache");
  });

  it("re-judges its export from the file alone: agrees (0); a tampered check disagrees (1); a broken file is 2", async () => {
    const file = path.join(artifacts, "cache-profile-pass.json");
    const same = await cli(["judge", file]);
    expect(same.stderr).toBe("");
    expect(same.stdout).toMatch(/^ {2}agree {5}stampede\.overlap: PASS 2$/m);
    expect(same.stdout).not.toMatch(/DISAGREE/);
    expect(same.stdout).toMatch(/^verdict: stored PASS, re-judged PASS: agrees$/m);
    expect(same.code).toBe(0);

    // Every waiter of the stampede now starts after the fill: nothing overlapped it.
    const doc = JSON.parse(await readFile(file, "utf8")) as RunExport;
    if (doc.evidence?.profile !== "cache") throw new Error("no cache evidence in the export");
    const { stampede } = doc.evidence.cache;
    const late = Math.max(...stampede.timeline.map((t) => t.finishedAt)) + 1;
    const timeline = stampede.timeline.map((t) =>
      t.releasedBy === "fetch" ? t : { ...t, startedAt: late, finishedAt: late + 1 },
    );
    const tampered = path.join(artifacts, "cache-profile-tampered.json");
    const edited = { ...doc.evidence.cache, stampede: { ...stampede, timeline } };
    await writeFile(
      tampered,
      JSON.stringify({ ...doc, evidence: { profile: "cache", cache: edited } }),
    );
    const other = await cli(["judge", tampered]);
    expect(other.stdout).toMatch(
      /^ {2}DISAGREE {2}stampede\.overlap: stored PASS 2, re-judged FAIL "not proven: only i\d had requests in flight at the fill"$/m,
    );
    expect(other.stdout).toMatch(/^verdict: stored PASS, re-judged FAIL: DISAGREES$/m);
    expect(other.code).toBe(1);

    const broken = path.join(artifacts, "cache-profile-broken.json");
    await writeFile(broken, "{ not json");
    expect(await cli(["judge", broken])).toMatchObject({ code: 2, stdout: "" });
    await writeFile(broken, JSON.stringify({ ...doc, checks: "all fine" }));
    const wrong = await cli(["judge", broken]);
    expect(wrong.stderr).toMatch(/not a run export: checks: /);
    expect(wrong.code).toBe(2);
  });

  it("PASSes again right after: the healthy profile is not a one-off", async () => {
    const admin = adminClient(c.url);
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    const run = await waitForRun(admin, id);
    expect(run.checks.filter((x) => !x.pass)).toEqual([]);
    expect(run.status).toBe("passed");
  });

  it("FAILs with the cross-instance lease broken, single-flight kept (cache-no-redis-lock)", async () => {
    const doc = await runWithFault("cache-no-redis-lock");
    // each instance's single-flight leader fetched: one fetch per instance
    expect(checkOf(doc, "stampede.provider_fetch").actual).toBe(2);
    expect(checkOf(doc, "stampede.overlap").actual).toBe("not proven: 2 fetches filled the key");
    expect(checkOf(doc, "stampede.single_flight").pass).toBe(true);
    expect(failed(doc)).toEqual(
      expect.arrayContaining(["stampede.provider_fetch", "run.one_fetch_per_key"]),
    );
    // the harness counted every one of the extra fetches
    expect(checkOf(doc, "stampede.evidence_agrees").pass).toBe(true);
  });

  it("FAILs with single-flight broken, the lease kept (cache-no-single-flight), on one fetch", async () => {
    const doc = await runWithFault("cache-no-single-flight");
    expect(checkOf(doc, "stampede.provider_fetch")).toMatchObject({ actual: 1, pass: true });
    expect(checkOf(doc, "stampede.overlap").pass).toBe(true);
    const sf = checkOf(doc, "stampede.single_flight");
    expect(sf.pass).toBe(false);
    expect(sf.actual).toBeGreaterThanOrEqual(1);
    expect(failed(doc)).toContain("stampede.single_flight");
  });

  it("FAILs with both layers off (cache-no-lock): every request fetched", async () => {
    const doc = await runWithFault("cache-no-lock");
    const stampede = checkOf(doc, "stampede.provider_fetch");
    expect(stampede.pass).toBe(false);
    expect(stampede.actual).toBeGreaterThan(2);
    expect(checkOf(doc, "stampede.single_flight").pass).toBe(false);
    expect(checkOf(doc, "stampede.evidence_agrees").pass).toBe(true);
  });

  it("PASSes once the faults are cleared; status and results are answered identically by both instances", async () => {
    const admin = adminClient(c.url);
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    expect((await waitForRun(admin, id)).status).toBe("passed");
    const latest = await admin.scaleTest.status.query();
    expect(latest?.id).toBe(id);
    const bodies = await Promise.all(
      ["i1", "i2"].map(async (instance) => {
        const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const base = c.instanceUrl(instance);
        const status = await fetch(`${base}/ops/scale-test/status`, { headers });
        const results = await fetch(`${base}/ops/scale-test/results?runId=${id}`, { headers });
        expect(status.headers.get("x-instance-id")).toBe(instance);
        return { status: await status.json(), results: await results.json() };
      }),
    );
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]?.status).toMatchObject({ id, status: "passed" });
  });
});
