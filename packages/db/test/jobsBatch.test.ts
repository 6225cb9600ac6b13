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
    expect([...kept].sort()).toEqual(mine.slice(1).map((j) => j.id));
    const accepted = await completeJobs(
      db.sql,
      mine.map((j, i) => ({ holder: holder("i1", j), result: { trades: i } })),
    );
    expect([...accepted].sort()).toEqual(mine.slice(1).map((j) => j.id));
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
    expect([...accepted]).toEqual([a.id]);
  });
});
