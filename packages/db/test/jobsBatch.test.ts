import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimJobs } from "../src/queries/claimJobs.ts";
import { completeJobs } from "../src/queries/completeJobs.ts";
import { enqueueJobs } from "../src/queries/enqueueJobs.ts";
import { getJob } from "../src/queries/getJob.ts";
import { heartbeatJobs } from "../src/queries/heartbeatJobs.ts";
import { jobHistory } from "../src/queries/jobHistory.ts";
import type { LeaseHolder } from "../src/queries/jobRow.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_jobs_batch");
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate jobs, job_execution_events restart identity cascade`;
});

const claim = (name: string, leaseMs: number, limit = 10) =>
  claimJobs(db.sql, {
    owner: `${name}/b`,
    instanceId: name,
    bootId: `${name}-boot`,
    worker: "w0",
    leaseMs,
    limit,
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("batched heartbeat and completion", () => {
  it("fence each row: in one batch the live lease is renewed and completed, the zombie's is not", async () => {
    await enqueueJobs(
      db.sql,
      Array.from({ length: 3 }, () => ({ payload: { n: 1 }, runId: "r1", maxAttempts: 3 })),
    );
    const mine = await claim("i1", 40, 3);
    expect(mine).toHaveLength(3);
    await db.sql`update jobs set lease_expires_at = now() + interval '1 minute' where id <> ${mine[0]?.id ?? ""}`;
    await sleep(60); // the first job's lease expires; i2 takes it over
    const [taken] = await claim("i2", 60_000);
    expect(taken?.id).toBe(mine[0]?.id);
    const leases = mine.map((j) => ({ jobId: j.id, attempt: j.attempt_count }));
    const kept = await heartbeatJobs(db.sql, "i1/b", leases, 60_000);
    expect([...kept].sort()).toEqual(mine.slice(1).map((j) => `${j.id}:1`));
    const accepted = await completeJobs(
      db.sql,
      mine.map((j, i) => ({ holder: holder("i1", j), result: { trades: i } })),
    );
    expect([...accepted].sort()).toEqual(mine.slice(1).map((j) => `${j.id}:1`));
    expect(await getJob(db.sql, mine[0]?.id ?? "")).toMatchObject({
      status: "running",
      result: null,
    });
    expect(await getJob(db.sql, mine[2]?.id ?? "")).toMatchObject({
      status: "completed",
      result: { trades: 2 },
    });
    const { events } = await jobHistory(db.sql, "r1");
    const kinds = events.map((e) => `${e.kind}:${e.job_id}:${e.attempt}`).sort();
    expect(kinds).toEqual(
      [
        `start:${mine[0]?.id}:1`,
        `start:${mine[1]?.id}:1`,
        `start:${mine[2]?.id}:1`,
        `start:${mine[0]?.id}:2`,
        `completion_rejected:${mine[0]?.id}:1`,
        `finish:${mine[1]?.id}:1`,
        `finish:${mine[2]?.id}:1`,
      ].sort(),
    );
  });

  it("an unfenced batch (jobs-no-lease fault) completes whatever the lease says", async () => {
    await enqueueJobs(db.sql, [{ payload: { n: 1 }, runId: "r1", maxAttempts: 3 }]);
    const [a] = await claim("i1", 60_000);
    if (!a) throw new Error("no claim");
    const zombie = { ...holder("i9", a), attempt: 7 };
    const accepted = await completeJobs(db.sql, [{ holder: zombie, result: { trades: 1 } }], {
      fenced: false,
    });
    expect([...accepted]).toEqual([`${a.id}:7`]);
  });

  it("judge each completion in a batch by its own attempt: the zombie's of a job is rejected, the live one's accepted", async () => {
    await enqueueJobs(db.sql, [{ payload: { n: 1 }, runId: "r1", maxAttempts: 3 }]);
    const [first] = await claim("i1", 40);
    if (!first) throw new Error("no claim");
    await sleep(60); // the lease expires; the same owner claims the job again (attempt 2)
    const [again] = await claim("i1", 60_000);
    expect(again).toMatchObject({ id: first.id, attempt_count: 2 });
    if (!again) throw new Error("no reclaim");
    const accepted = await completeJobs(db.sql, [
      { holder: holder("i1", first), result: { trades: 1 } },
      { holder: holder("i1", again), result: { trades: 2 } },
    ]);
    expect([...accepted]).toEqual([`${again.id}:2`]); // the live attempt's, not the zombie's
    expect(await getJob(db.sql, first.id)).toMatchObject({
      status: "completed",
      attempt_count: 2,
      result: { trades: 2 },
    });
    const { events } = await jobHistory(db.sql, "r1");
    expect(events.map((e) => `${e.kind}:${e.attempt}`).sort()).toEqual(
      ["start:1", "start:2", "completion_rejected:1", "finish:2"].sort(),
    );
  });
});

describe("claim batch order", () => {
  it("answers a batch in job id order, compared as numbers (10 after 9)", async () => {
    await enqueueJobs(
      db.sql,
      Array.from({ length: 12 }, () => ({ payload: { n: 1 }, runId: "r1", maxAttempts: 3 })),
    );
    const jobs = await claim("i1", 60_000, 12);
    expect(jobs.map((j) => j.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
  });
});

describe("claim as a HOT update", () => {
  it("a claim adds no index entries: the rows it takes are updated in place on their page", async () => {
    await enqueueJobs(
      db.sql,
      Array.from({ length: 50 }, () => ({ payload: { n: 1 }, runId: "r1", maxAttempts: 3 })),
    );
    const counts = await db.sql.begin(async (tx) => {
      // This backend's counts not yet sent to the statistics include earlier work: take the difference.
      const read = async () => {
        const [row] = await tx<{ updated: number; hot: number }[]>`
          select pg_stat_get_xact_tuples_updated('jobs'::regclass)::int as updated,
                 pg_stat_get_xact_tuples_hot_updated('jobs'::regclass)::int as hot`;
        return row ?? { updated: 0, hot: 0 };
      };
      const before = await read();
      const jobs = await claimJobs(tx as never, {
        owner: "i1/b",
        instanceId: "i1",
        bootId: "i1-boot",
        worker: "w0",
        leaseMs: 60_000,
        limit: 20,
      });
      const after = await read();
      return {
        claimed: jobs.length,
        updated: after.updated - before.updated,
        hot: after.hot - before.hot,
      };
    });
    // The page's reserved room (fillfactor) holds the new versions of these 20 of its 30 rows.
    expect(counts).toEqual({ claimed: 20, updated: 20, hot: 20 });
  });
});
