import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimJobs } from "../src/queries/claimJobs.ts";
import { completeJob } from "../src/queries/completeJob.ts";
import { enqueueJobs } from "../src/queries/enqueueJobs.ts";
import { failJobAttempt } from "../src/queries/failJobAttempt.ts";
import { getJob } from "../src/queries/getJob.ts";
import { heartbeatJob } from "../src/queries/heartbeatJob.ts";
import { jobHistory } from "../src/queries/jobHistory.ts";
import type { LeaseHolder } from "../src/queries/jobRow.ts";
import { listJobs } from "../src/queries/listJobs.ts";
import { sweepExhaustedJobs } from "../src/queries/sweepExhaustedJobs.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_jobs");
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate jobs, job_execution_events restart identity cascade`;
});

const claim = (name: string, leaseMs = 60_000, limit = 10, guarded = true) =>
  claimJobs(db.sql, {
    owner: `${name}/b`,
    instanceId: name,
    bootId: `${name}-boot`,
    worker: "w0",
    leaseMs,
    limit,
    guarded,
  });
const holder = (name: string, j: { id: string; attempt_count: number }): LeaseHolder => ({
  jobId: j.id,
  owner: `${name}/b`,
  attempt: j.attempt_count,
  instanceId: name,
  bootId: `${name}-boot`,
  worker: "w0",
  runId: "r1",
});
const job = (maxAttempts = 3) => ({ payload: { n: 1 }, runId: "r1", maxAttempts });
const enqueueOne = async (j: ReturnType<typeof job>) => {
  const [queued] = await enqueueJobs(db.sql, [j]);
  if (!queued) throw new Error("enqueue answered nothing");
  return queued.id;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("job leases", () => {
  it("a live lease is not claimable; an expired one is, once, recording the lease it took over", async () => {
    const id = await enqueueOne(job());
    const [a] = await claim("i1", 50);
    expect(a?.id).toBe(id);
    expect(await claim("i2")).toEqual([]);
    await sleep(80);
    const [b] = await claim("i2");
    expect(b).toMatchObject({ id, attempt_count: 2 });
    const { events } = await jobHistory(db.sql, "r1");
    expect(events.map((e) => [e.kind, e.attempt, e.instance_id])).toEqual([
      ["start", 1, "i1"],
      ["start", 2, "i2"],
    ]);
    expect(events[1]?.previous_lease_expires_at?.getTime()).toBe(a?.lease_expires_at.getTime());
    expect(events[1]?.at.getTime()).toBeGreaterThan(a?.lease_expires_at.getTime() ?? 0);
  });

  it("fences the zombie: its heartbeat and completion are refused, its result not stored", async () => {
    await enqueueJobs(db.sql, [job()]);
    const [a] = await claim("i1", 30);
    await sleep(60);
    const [b] = await claim("i2");
    if (!a || !b) throw new Error("claims failed");
    expect(await heartbeatJob(db.sql, holder("i1", a), 1000)).toBe(false);
    expect(await heartbeatJob(db.sql, holder("i2", b), 1000)).toBe(true);
    expect(await completeJob(db.sql, holder("i1", a), { trades: 1 })).toBe(false);
    expect(await completeJob(db.sql, holder("i2", b), { trades: 2 })).toBe(true);
    const row = await getJob(db.sql, a.id);
    expect(row).toMatchObject({ status: "completed", attempt_count: 2, result: { trades: 2 } });
    const { events } = await jobHistory(db.sql, "r1");
    expect(events.map((e) => `${e.kind}:${e.attempt}`)).toEqual([
      "start:1",
      "start:2",
      "completion_rejected:1",
      "finish:2",
    ]);
  });

  it("a failed attempt requeues until attempts are spent; the sweeper fails a dead last attempt", async () => {
    const id = await enqueueOne(job(2));
    const [a] = await claim("i1");
    if (!a) throw new Error("no claim");
    expect(await failJobAttempt(db.sql, holder("i1", a), { error: "boom" })).toBe(true);
    expect((await getJob(db.sql, a.id))?.status).toBe("queued");
    const [b] = await claim("i1", 20);
    expect(b?.attempt_count).toBe(2);
    await sleep(50);
    expect(await claim("i2")).toEqual([]); // no attempts left
    expect(await sweepExhaustedJobs(db.sql)).toEqual([id]);
    expect((await getJob(db.sql, a.id))?.last_error).toMatch(/attempts exhausted: attempt 2 of 2/);
  });

  it("a failed attempt waits out its backoff before anyone can claim it again", async () => {
    const id = await enqueueOne(job(3));
    const [a] = await claim("i1");
    if (!a) throw new Error("no claim");
    await failJobAttempt(db.sql, holder("i1", a), { error: "flaky", retryAfterMs: 60_000 });
    expect((await getJob(db.sql, id))?.status).toBe("queued");
    expect(await claim("i2")).toEqual([]); // backing off
    await db.sql`update jobs set run_after = now() where id = ${id}`; // the backoff has passed
    expect((await claim("i2"))[0]?.id).toBe(id);
  });

  it("a final failure fails the job at once, attempts left or not", async () => {
    const id = await enqueueOne(job(3));
    const [a] = await claim("i1");
    if (!a) throw new Error("no claim");
    await failJobAttempt(db.sql, holder("i1", a), { error: "no such symbol", final: true });
    expect((await getJob(db.sql, id))?.status).toBe("failed");
    expect(await claim("i2")).toEqual([]);
  });

  it("the unguarded claim (jobs-no-lease fault) hands a running job out again", async () => {
    await enqueueJobs(db.sql, [job()]);
    const [a] = await claim("i1", 60_000, 10, false);
    const [b] = await claim("i2", 60_000, 10, false);
    expect(a?.id).toBe(b?.id);
  });

  it("8 concurrent claimers in 2 processes over 2,000 jobs: every job claimed exactly once", async () => {
    await enqueueJobs(
      db.sql,
      Array.from({ length: 2000 }, () => job()),
    );
    const script = path.resolve(import.meta.dirname, "support/claimer.ts");
    const run = (name: string) =>
      new Promise<{ name: string; completed: number }>((resolve, reject) => {
        const child = spawn(process.execPath, [script, db.url, name, "4"], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        child.on("exit", (code) =>
          code === 0
            ? resolve(JSON.parse(out.trim()))
            : reject(new Error(`claimer ${name} exited ${code}`)),
        );
      });
    const results = await Promise.all([run("p1"), run("p2")]);
    expect(results.reduce((a, r) => a + r.completed, 0)).toBe(2000);
    expect(results.every((r) => r.completed > 0)).toBe(true); // both processes took part
    const [stats] = await db.sql<
      { jobs: number; completed: number; once: number; starts: number; finishes: number }[]
    >`
      select (select count(*)::int from jobs) as jobs,
             (select count(*)::int from jobs where status = 'completed' and attempt_count = 1) as completed,
             (select count(*)::int from (select job_id from job_execution_events where kind = 'start'
                group by job_id having count(*) = 1) s) as once,
             (select count(*)::int from job_execution_events where kind = 'start') as starts,
             (select count(*)::int from job_execution_events where kind = 'finish') as finishes`;
    expect(stats).toEqual({
      jobs: 2000,
      completed: 2000,
      once: 2000,
      starts: 2000,
      finishes: 2000,
    });
  });
});

describe("enqueue", () => {
  it("an idempotency key makes a retried enqueue return the same job", async () => {
    const [a] = await enqueueJobs(db.sql, [{ ...job(), idempotencyKey: "k1" }]);
    const [b, c] = await enqueueJobs(db.sql, [
      { ...job(), idempotencyKey: "k1" },
      { ...job(), idempotencyKey: "k2" },
    ]);
    expect(a).toEqual({ id: expect.any(String), created: true, samePayload: true });
    expect(b).toEqual({ id: a?.id, created: false, samePayload: true });
    expect(c?.id).not.toBe(a?.id);
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from jobs`;
    expect(n?.n).toBe(2);
  });

  it("concurrent enqueues with one key all get the one job (regression: 'enqueue returned no id')", async () => {
    for (let round = 0; round < 8; round++) {
      const key = `race-${round}`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => enqueueJobs(db.sql, [{ ...job(), idempotencyKey: key }])),
      );
      const ids = new Set(answers.map(([a]) => a?.id));
      expect(ids.size).toBe(1);
      expect(answers.filter(([a]) => a?.created)).toHaveLength(1);
    }
  });

  it("a key reused with another payload is reported, and the stored job is untouched", async () => {
    const [a] = await enqueueJobs(db.sql, [{ ...job(), idempotencyKey: "k-x" }]);
    const [b] = await enqueueJobs(db.sql, [
      { payload: { n: 2 }, runId: "r1", maxAttempts: 3, idempotencyKey: "k-x" },
    ]);
    expect(b).toEqual({ id: a?.id, created: false, samePayload: false });
    const [row] = await db.sql<
      { payload: unknown }[]
    >`select payload from jobs where id = ${a?.id ?? "0"}`;
    expect(row?.payload).toEqual({ n: 1 });
  });
});

describe("listJobs", () => {
  it("lists newest first, optionally by run (regression: ORDER BY id was ambiguous)", async () => {
    await enqueueJobs(db.sql, [job(), { ...job(), runId: "r-list" }]);
    const all = await listJobs(db.sql, { limit: 500 });
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.map((r) => Number(r.id))).toEqual(
      [...all.map((r) => Number(r.id))].sort((x, y) => y - x),
    );
    const mine = await listJobs(db.sql, { runId: "r-list", limit: 10 });
    expect(mine.map((r) => r.run_id)).toEqual(["r-list"]);
  });
});
