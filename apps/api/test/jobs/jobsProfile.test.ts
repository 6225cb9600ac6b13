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
import { one, parseExposition } from "../support/promText.ts";

/**
 * The jobs profile on two real instance processes sharing one Postgres queue, with a
 * real SIGKILL mid-job, a real zombie worker, and a deliberately broken queue.
 */
let c: TestCluster;
const artifacts = path.join(REPO_ROOT, "test-artifacts");

beforeAll(async () => {
  c = await startTestCluster("jobs-profile", {
    instances: 2,
    env: { ...TOKEN_ENV, JOBS_LEASE_MS: "1500", JOBS_POLL_MS: "500" },
  });
});
afterAll(async () => {
  await c?.close();
});

/** Job attempts running now on i1 and i2 (their own /metrics gauge). */
const jobsActive = async (): Promise<number[]> =>
  Promise.all(
    ["i1", "i2"].map(async (id) => {
      const res = await fetch(`${c.instanceUrl(id)}/metrics`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return one(parseExposition(await res.text()), "scaleproof_jobs_active");
    }),
  );

const cli = (args: string[]) =>
  runCli(["run", "--profile", "jobs", "--quick", "--target", c.url, ...args], {
    SCALEPROOF_TOKEN: ADMIN_TOKEN,
  });

describe("jobs profile on a real 2-instance cluster", () => {
  it("PASSes with one real crash mid-job: retried once after the lease expired, one accepted finish", async () => {
    const file = path.join(artifacts, "jobs-profile-crash.json");
    const r = await cli(["--json", file]);
    expect(r.stdout).toMatch(/jobs: PASS/);
    expect(r.code).toBe(0);
    const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
    expect(doc.metrics["jobs.duplicates_count"]).toBe(0);
    expect(doc.metrics["jobs.completed_count"]).toBe(20);
    expect(checkOf(doc, "crash.instance_restarted").pass).toBe(true);

    // The queue's own records, read here independently of the profile.
    const retried = await c.db.sql<{ id: string; attempt_count: number }[]>`
      select id::text, attempt_count from jobs where run_id = ${doc.run.id} and attempt_count > 1`;
    expect(retried.length).toBeGreaterThanOrEqual(1);
    for (const job of retried) {
      expect(job.attempt_count).toBe(2);
      const events = await c.db.sql<
        {
          kind: string;
          attempt: number;
          instance_id: string;
          boot_id: string;
          at: Date;
          previous_lease_expires_at: Date | null;
        }[]
      >`select kind, attempt, instance_id, boot_id, at, previous_lease_expires_at
          from job_execution_events where job_id = ${job.id} order by id`;
      const [first, second] = events.filter((e) => e.kind === "start");
      expect(first?.attempt).toBe(1);
      expect(second?.attempt).toBe(2);
      expect(second?.boot_id).not.toBe(first?.boot_id); // another process
      expect(second?.at.getTime()).toBeGreaterThan(
        second?.previous_lease_expires_at?.getTime() ?? Infinity,
      );
      expect(events.filter((e) => e.kind === "finish").map((e) => e.attempt)).toEqual([2]);
    }
    // the crashed instance came back with a new boot id
    const slot = c.supervisor.view().find((s) => s.restarts > 0);
    expect(slot?.bootIds.length).toBeGreaterThanOrEqual(2);
  });

  it("a stalled worker's late completion is fenced off (zombie) and the profile still PASSes", async () => {
    const r = await cli(["--no-crash", "--stall"]);
    expect(r.stdout).toMatch(/stall\.zombie_completion_rejected: 1/);
    expect(r.code).toBe(0);
    const run = await adminClient(c.url).scaleTest.status.query();
    const [rejected] = await c.db.sql<{ job_id: string; attempt: number }[]>`
      select job_id::text, attempt from job_execution_events
       where run_id = ${run?.id ?? ""} and kind = 'completion_rejected'`;
    expect(rejected).toBeDefined();
    const [job] = await c.db.sql<{ status: string; attempt_count: number }[]>`
      select status, attempt_count from jobs where id = ${rejected?.job_id ?? "0"}`;
    expect(job?.status).toBe("completed");
    expect(job?.attempt_count).toBeGreaterThan(rejected?.attempt ?? 0); // the result stored is the later attempt's
    const finishes = await c.db.sql<{ attempt: number }[]>`
      select attempt from job_execution_events where job_id = ${rejected?.job_id ?? "0"} and kind = 'finish'`;
    expect(finishes).toHaveLength(1);
    expect(finishes[0]?.attempt).not.toBe(rejected?.attempt);
  });

  it("PASSes with the default crash and --stall together: the zombie on the runner's worker fenced off, the SIGKILL on the other instance", async () => {
    // Both faults spare the runner unless aimed: on two instances they used to land on
    // the same one, the crash killed the zombie, and a healthy queue FAILed the fencing check.
    const file = path.join(artifacts, "jobs-profile-crash-stall.json");
    const r = await cli(["--stall", "--json", file]);
    expect(r.stdout).toMatch(/jobs: PASS/);
    expect(r.code).toBe(0);
    const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
    expect(checkOf(doc, "stall.zombie_completion_rejected").actual).toBe(1);
    expect(checkOf(doc, "crash.job_retried_after_lease_expiry").pass).toBe(true);
    expect(checkOf(doc, "crash.instance_restarted").pass).toBe(true);
    expect(checkOf(doc, "jobs.duplicates").actual).toBe(0);
    expect(checkOf(doc, "jobs.lost").actual).toBe(0);

    // The queue's own records: the fenced zombie ran on the runner's instance, and the
    // attempt that died mid-job on the other one.
    const runner = doc.environment.runner.instanceId;
    const rejected = await c.db.sql<{ instance_id: string }[]>`
      select instance_id from job_execution_events
       where run_id = ${doc.run.id} and kind = 'completion_rejected'`;
    expect(rejected.map((e) => e.instance_id)).toEqual([runner]);
    const died = await c.db.sql<{ instance_id: string }[]>`
      select s.instance_id from job_execution_events s
       where s.run_id = ${doc.run.id} and s.kind = 'start' and not exists (
         select 1 from job_execution_events e
          where e.job_id = s.job_id and e.attempt = s.attempt and e.kind <> 'start')`;
    expect(died.length).toBeGreaterThanOrEqual(1);
    for (const d of died) expect(d.instance_id).not.toBe(runner);
  });

  it("FAILs with duplicates > 0 when the queue claims without leases and completes without fencing", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "jobs-no-lease" });
    try {
      const file = path.join(artifacts, "jobs-profile-no-lease.json");
      const r = await cli(["--no-crash", "--json", file]);
      expect(r.stdout).toMatch(/jobs: FAIL/);
      expect(r.code).toBe(1);
      const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
      expect(checkOf(doc, "jobs.duplicates").actual).toBeGreaterThan(0);
    } finally {
      await admin.faults.clear.mutate({});
    }
    // The broken run leaves attempts whose lease another instance took still running to
    // their end on the instance that lost it (its slots busy). The healthy run starts on
    // an idle cluster, as a user's would: else one instance can take all 20 quick jobs
    // while the other is still busy, and jobs.instances_working rightly reads 1 (CI).
    await expect.poll(jobsActive).toEqual([0, 0]);
    const { id } = await admin.scaleTest.run.mutate({ profile: "jobs", quick: true, crash: false });
    expect((await waitForRun(admin, id)).status).toBe("passed");
  });
});

describe("backtests API", () => {
  it("enqueues, runs and answers a real backtest; bad input is a 400 with the fields", async () => {
    const post = (body: unknown) =>
      fetch(`${c.url}/api/backtests`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const ok = await post({
      symbol: "ES",
      tf: "5m",
      start: "2013-10-08",
      end: "2013-10-09",
      fast: 3,
      slow: 12,
    });
    expect(ok.status).toBe(202);
    const { id } = (await ok.json()) as { id: string };
    let job: { status: string; result: { trades: number; bars: number } | null } | undefined;
    for (let i = 0; i < 100 && job?.status !== "completed"; i++) {
      job = (await (await fetch(`${c.url}/api/backtests/${id}`)).json()) as typeof job;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job?.status).toBe("completed");
    expect(job?.result?.bars).toBeGreaterThan(200);
    const bad = await post({
      symbol: "ES",
      tf: "7m",
      start: "2013-10-08",
      end: "2013-10-09",
      fast: "x",
    });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: { field: string }[] } }).error.fields;
    expect(fields.map((f) => f.field)).toEqual(expect.arrayContaining(["tf", "fast"]));
    const slow = await post({
      symbol: "ES",
      tf: "1m",
      start: "2013-10-08",
      end: "2013-10-09",
      fast: 30,
      slow: 10,
    });
    expect(slow.status).toBe(400);
    expect((await fetch(`${c.url}/api/backtests/abc`)).status).toBe(400);
    expect((await fetch(`${c.url}/api/backtests/999999`)).status).toBe(404);
  });
});
