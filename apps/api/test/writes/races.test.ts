import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsRange } from "../support/http.ts";
import { READ_TOKEN, TOKEN_ENV } from "../support/ops.ts";
import { admin, errorOf, type Sent, send } from "./support.ts";

/**
 * Concurrency across two real instances sharing one Postgres: K finalizes of one upload
 * make one job and one answer; K enqueues with one idempotency key one job; the cap on
 * pending jobs holds cluster-wide; /ops/workers judges the queue. No worker runs here
 * (JOBS_SLOTS=0), so every job stays pending and the counts are exact.
 */
const CAP = 10;
const LEASE_MS = 1000;
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("races", {
    instances: 2,
    env: {
      ...TOKEN_ENV,
      JOBS_SLOTS: "0",
      QUEUE_MAX_PENDING: String(CAP),
      JOBS_LEASE_MS: String(LEASE_MS),
    },
  });
});
afterAll(async () => {
  await c?.close();
});
beforeEach(async () => {
  await c.db.sql`truncate jobs, job_execution_events, uploads, upload_chunks cascade`;
});

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
/** Each call to one of the two instances in turn. */
const both = (i: number) => c.instanceUrl(i % 2 ? "i2" : "i1");
const pending = async () =>
  (
    await c.db.sql<{ n: number }[]>`
      select count(*)::int as n from jobs where status in ('queued', 'running')`
  )[0]?.n;
const backtest = (base: string, extra: Record<string, unknown> = {}) =>
  send(`${base}/api/backtests`, "POST", {
    symbol: "ES",
    tf: "1m",
    ...barsRange(8, 14, 60),
    ...extra,
  });
const uploaded = async (file: Buffer, chunk: number) => {
  const created = await send(`${c.url}/api/uploads`, "POST", {
    filename: "f.bin",
    contentType: "application/octet-stream",
    size: file.length,
    sha256: sha(file),
  });
  const id = (created.body as { id: string }).id;
  for (let n = 0; n * chunk < file.length; n++) {
    const put = await send(
      `${both(n)}/api/uploads/${id}/chunks/${n}`,
      "PUT",
      file.subarray(n * chunk, (n + 1) * chunk),
    );
    expect(put.status).toBe(201);
  }
  return id;
};

describe("finalize race", () => {
  it("16 finalizes of one upload from two instances at once: one job, one answer, no errors (5 rounds)", async () => {
    for (let round = 0; round < 5; round++) {
      const file = randomBytes(300_000);
      const id = await uploaded(file, 100_000);
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) => send(`${both(i)}/api/uploads/${id}/finalize`, "POST")),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(16).fill(202));
      expect(new Set(answers.map((a) => a.instanceId)).size).toBe(2);
      const bodies = new Set(answers.map((a) => JSON.stringify(a.body)));
      expect(bodies.size).toBe(1);
      const jobs = await c.db.sql<{ id: string; kind: string }[]>`
        select id::text, kind from jobs where payload->>'uploadId' = ${id}`;
      expect(jobs).toEqual([
        {
          id: (answers[0] as Sent & { body: { jobId: string } }).body.jobId,
          kind: "upload-process",
        },
      ]);
    }
  });

  it("20 backtest enqueues with one idempotency key from two instances: one job, one id", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => backtest(both(i), { idempotencyKey: "race-key" })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    expect(await pending()).toBe(1);
  });
});

describe("the queue cap", () => {
  it("40 enqueues from two instances at once against a cap of 10: 10 accepted, the rest 429 QUEUE_FULL with Retry-After", async () => {
    const keyed = await backtest(c.url, { idempotencyKey: "cap-kept" });
    expect(keyed.status).toBe(202);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => backtest(both(i), { fast: 5 + (i % 20), slow: 60 + i })),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status !== 202);
    expect(accepted.length).toBeLessThanOrEqual(CAP - 1);
    expect(accepted.length).toBe(CAP - 1); // the queue was empty but for one: exactly the room left
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(errorOf(r)).toMatchObject({ code: "QUEUE_FULL", pending: CAP, cap: CAP });
      expect(r.retryAfter).toBe("5");
    }
    expect(await pending()).toBe(CAP);
    // A retry of an accepted enqueue adds nothing: answered, not refused.
    const retry = await backtest(c.instanceUrl("i2"), { idempotencyKey: "cap-kept" });
    expect(retry.status).toBe(202);
    expect((retry.body as { id: string }).id).toBe((keyed.body as { id: string }).id);
    // tRPC says the same.
    const t = await send(`${c.url}/trpc/backtests.enqueue`, "POST", {
      symbol: "ES",
      tf: "1m",
      ...barsRange(9, 14, 60),
    });
    expect(t.status).toBe(429);
    expect((t.body as { error: { data: { appCode: string } } }).error.data.appCode).toBe(
      "QUEUE_FULL",
    );
  });

  it("a finalize against a full queue is 429 and leaves the upload open; it goes through once there is room", async () => {
    const id = await uploaded(randomBytes(1000), 1000);
    await c.db.sql`
      insert into jobs (payload) select '{}'::jsonb from generate_series(1, ${CAP})`;
    const full = await send(`${c.instanceUrl("i1")}/api/uploads/${id}/finalize`, "POST");
    expect(full.status).toBe(429);
    expect(errorOf(full).code).toBe("QUEUE_FULL");
    expect(full.retryAfter).toBe("5");
    const [u] = await c.db.sql`select status from uploads where id = ${id}`;
    expect(u?.status).toBe("open");
    await c.db.sql`update jobs set status = 'completed' where id = (select min(id) from jobs)`;
    expect((await send(`${c.instanceUrl("i2")}/api/uploads/${id}/finalize`, "POST")).status).toBe(
      202,
    );
    expect(await pending()).toBe(CAP);
  });
});

interface WorkersView {
  status: string;
  reasons: { rule: string; status: string }[];
  jobs: { byStatus: Record<string, number>; byKind: Record<string, Record<string, number>> };
  queue: { pending: number; cap: number; oldestQueuedAgeMs: number | null; claimable: number };
  workers: {
    active: number;
    lastHeartbeatAgeMs: number | null;
    perInstance: { instanceId: string; bootId: string | null; activeWorkers: number }[];
  };
  stale: { count: number; oldest: { id: string; kind: string; ageMs: number }[] };
}
const workers = async (): Promise<WorkersView> => {
  const r = await send(`${c.url}/ops/workers`, "GET", undefined, admin);
  expect(r.status).toBe(200);
  return r.body as WorkersView;
};
const rules = (v: WorkersView) => v.reasons.map((r) => r.rule).sort();

describe("/ops/workers", () => {
  it("is admin-only, REST and tRPC alike", async () => {
    expect((await send(`${c.url}/ops/workers`, "GET")).status).toBe(401);
    const viewer = { authorization: `Bearer ${READ_TOKEN}` };
    expect((await send(`${c.url}/ops/workers`, "GET", undefined, viewer)).status).toBe(403);
    expect((await send(`${c.url}/trpc/workers.status`, "GET")).status).toBe(401);
    const t: Sent = await send(`${c.url}/trpc/workers.status`, "GET", undefined, admin);
    expect(t.status).toBe(200);
    expect((t.body as { result: { data: WorkersView } }).result.data.status).toBe("healthy");
  });

  it("counts by status and kind; judges healthy, then critical without a worker, degraded and critical by age, degraded on a silent worker", async () => {
    expect(await workers()).toMatchObject({
      status: "healthy",
      reasons: [],
      queue: { pending: 0, cap: CAP, oldestQueuedAgeMs: null, claimable: 0 },
      workers: { active: 0, lastHeartbeatAgeMs: null, perInstance: [] },
      stale: { count: 0, oldest: [] },
    });
    await c.db.sql`
      insert into jobs (kind, payload, status) values
        ('backtest', '{}', 'queued'), ('backtest', '{}', 'queued'),
        ('upload-process', '{}', 'queued'), ('backtest', '{}', 'completed')`;
    // Work waits and no worker holds a lease (JOBS_SLOTS=0): critical once 2 leases passed.
    for (let i = 0; ; i++) {
      const v = await workers();
      if (v.status === "critical") {
        expect(rules(v)).toEqual(["no-active-worker"]);
        expect(v.jobs.byStatus).toEqual({ queued: 3, running: 0, completed: 1, failed: 0 });
        expect(v.jobs.byKind).toEqual({
          backtest: { queued: 2, running: 0, completed: 1, failed: 0 },
          "upload-process": { queued: 1, running: 0, completed: 0, failed: 0 },
        });
        break;
      }
      expect(v.status).toBe("healthy");
      if (i > 100) throw new Error("never critical");
      await new Promise((r) => setTimeout(r, 100));
    }
    // A worker with a live lease, heartbeating: the waiting work is being served.
    const [running] = await c.db.sql<{ id: string }[]>`
      insert into jobs (payload, status, lease_owner, lease_expires_at, attempt_count)
      values ('{}', 'running', 'i9/boot-9', now() + interval '1 hour', 1) returning id::text`;
    let v = await workers();
    expect(v.status).toBe("healthy");
    expect(v.workers.perInstance).toMatchObject([
      { instanceId: "i9", bootId: "boot-9", activeWorkers: 1 },
    ]);
    const [oldest] = await c.db.sql<{ id: string }[]>`select min(id)::text as id from jobs`;
    await c.db
      .sql`update jobs set created_at = now() - interval '6 minutes' where id = ${oldest?.id ?? ""}`;
    v = await workers();
    expect([v.status, rules(v)]).toEqual(["degraded", ["queued-over-5m"]]);
    await c.db
      .sql`update jobs set created_at = now() - interval '31 minutes' where id = ${oldest?.id ?? ""}`;
    v = await workers();
    expect([v.status, rules(v)]).toEqual(["critical", ["queued-over-30m", "queued-over-5m"]]);
    expect(v.stale).toMatchObject({ count: 1, oldest: [{ id: oldest?.id, kind: "backtest" }] });
    await c.db.sql`update jobs set created_at = now() where id = ${oldest?.id ?? ""}`;
    await c.db.sql`
      update jobs set updated_at = now() - ${3 * LEASE_MS} * interval '1 millisecond'
       where id = ${running?.id ?? ""}`;
    v = await workers();
    expect([v.status, rules(v)]).toEqual(["degraded", ["heartbeat-stale"]]);
    expect(v.workers.lastHeartbeatAgeMs).toBeGreaterThan(2 * LEASE_MS);
  });
});
