import { enqueueJobs } from "@scaleproof/db/queries/enqueueJobs";
import { jobHistory } from "@scaleproof/db/queries/jobHistory";
import { createTestDatabase, type TestDatabase } from "@scaleproof/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LeaseBatch, type LeaseBatchOptions, type LeasedJob } from "../../src/jobs/leaseBatch.ts";

/**
 * LeaseBatch on a real Postgres: prefetch under its lease cap, batched fenced completion,
 * a batched heartbeat that lets go of a lease another owner took.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_lease_batch");
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate jobs, job_execution_events restart identity cascade`;
});

const enqueue = (n: number) =>
  enqueueJobs(
    db.sql,
    Array.from({ length: n }, () => ({ payload: { n: 1 }, runId: "r1", maxAttempts: 3 })),
  );
const batcher = (
  maxLeases: number,
  claimBatch: number,
  completionsInFlight?: number,
  more: Partial<LeaseBatchOptions> = {},
) =>
  new LeaseBatch({
    ...(completionsInFlight === undefined ? {} : { completionsInFlight }),
    sql: db.sql,
    instanceId: "i1",
    bootId: "boot",
    worker: "b",
    leaseMs: 60_000,
    maxLeases,
    claimBatch,
    ...more,
  });

describe("LeaseBatch", () => {
  it("a worker finding every lease held sleeps until a completion lets one go, then gets the next job", async () => {
    await enqueue(3);
    const batch = batcher(2, 2);
    const a = await batch.next();
    const b = await batch.next();
    expect(batch.held).toBe(2);
    let third: LeasedJob | undefined | "waiting" = "waiting";
    const waiting = batch.next().then((j) => {
      third = j;
    });
    // A claim needs a free lease: while both are held (running) the third job stays queued.
    await db.sql`select pg_sleep(0.05)`;
    expect(third).toBe("waiting");
    const [queued] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from jobs where status = 'queued'`;
    expect(queued?.n).toBe(1);
    if (!a || !b) throw new Error("no jobs claimed");
    expect(await batch.complete(a, { trades: 1 })).toBe(true);
    await waiting;
    expect(third).toMatchObject({ job: { attempt_count: 1 } });
    if (!third || third === "waiting") throw new Error("no third job");
    const c: LeasedJob = third;
    expect(await batch.complete(b, { trades: 2 })).toBe(true);
    expect(await batch.complete(c, { trades: 3 })).toBe(true);
    expect(await batch.next()).toBeUndefined();
    await batch.close();
    const { jobs, events } = await jobHistory(db.sql, "r1");
    expect(jobs.map((j) => j.status)).toEqual(["completed", "completed", "completed"]);
    expect(events.map((e) => e.kind).sort()).toEqual(
      ["start", "start", "start", "finish", "finish", "finish"].sort(),
    );
  });

  it("many workers on one batcher run every job exactly once, each start and finish recorded", async () => {
    await enqueue(120);
    const batch = batcher(30, 10);
    let most = 0;
    const worker = async () => {
      const done: Promise<boolean>[] = [];
      for (let j = await batch.next(); j; j = await batch.next()) {
        most = Math.max(most, batch.held);
        done.push(batch.complete(j, { trades: 0 }));
      }
      return (await Promise.all(done)).filter(Boolean).length;
    };
    const counts = await Promise.all(Array.from({ length: 8 }, worker));
    await batch.close();
    expect(counts.reduce((x, y) => x + y, 0)).toBe(120);
    expect(most).toBeLessThanOrEqual(30);
    const [row] = await db.sql<{ once: number; starts: number; finishes: number }[]>`
      select (select count(*)::int from jobs where status = 'completed' and attempt_count = 1) as once,
             (select count(*)::int from job_execution_events where kind = 'start') as starts,
             (select count(*)::int from job_execution_events where kind = 'finish') as finishes`;
    expect(row).toEqual({ once: 120, starts: 120, finishes: 120 });
  });

  it("a completion arriving while another batch is stuck committing goes out in a second statement", async () => {
    await enqueue(2);
    const batch = batcher(10, 10, 2);
    const a = await batch.next();
    const b = await batch.next();
    if (!a || !b) throw new Error("no jobs claimed");
    // Another transaction holds job a's row: the statement completing a waits for it.
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = db.sql.begin(async (tx) => {
      await tx`select id from jobs where id = ${a.job.id} for update`;
      locked();
      await released;
    });
    await isLocked;
    const first = batch.complete(a, { trades: 1 });
    await db.sql`select pg_sleep(0.05)`; // the first batch (a alone) is sent and waits on the lock
    expect(await batch.complete(b, { trades: 2 })).toBe(true);
    release();
    await holder;
    expect(await first).toBe(true);
    await batch.close();
    const { jobs } = await jobHistory(db.sql, "r1");
    expect(jobs.map((j) => j.status)).toEqual(["completed", "completed"]);
  });

  it("a lease another owner took while the job waited in the queue is let go: onLost, lease_lost, never handed out", async () => {
    await enqueue(2);
    const lost: string[] = [];
    // a beat every 100 ms; nobody else claims, so the leases never lapse
    const batch = batcher(2, 2, undefined, {
      leaseMs: 300,
      onLost: (j) => lost.push(j.job.id),
    });
    const a = await batch.next();
    if (!a) throw new Error("no job claimed");
    const [queued] = await db.sql<{ id: string }[]>`
      update jobs set lease_owner = 'intruder/boot', attempt_count = attempt_count + 1,
                      lease_expires_at = now() + interval '1 hour'
       where id <> ${a.job.id} returning id::text`;
    if (!queued) throw new Error("no queued job");
    await expect.poll(() => lost).toEqual([queued.id]);
    expect(batch.held).toBe(1);
    await expect
      .poll(async () => (await jobHistory(db.sql, "r1")).events.map((e) => [e.job_id, e.kind]))
      .toContainEqual([queued.id, "lease_lost"]);
    expect(await batch.next()).toBeUndefined(); // the lost job is not handed out
    expect(await batch.complete(a, { trades: 1 })).toBe(true);
    await batch.close();
    expect(lost).toEqual([queued.id]);
  });

  it("a completion whose statement failed lets its lease go, so the cap is not used up", async () => {
    await enqueue(2);
    const batch = batcher(1, 1);
    const a = await batch.next();
    if (!a) throw new Error("no job");
    // jsonb refuses a NUL character: the completion statement fails (nothing is stored)
    await expect(batch.complete(a, { bad: "\u0000" })).rejects.toThrow();
    expect(batch.held).toBe(0);
    const b = await batch.next(); // the one lease is free again: the second job is handed out
    expect(b?.job.id).not.toBe(a.job.id);
    await batch.close();
  });
});
