import { claimJobs } from "@scaleproof/db/queries/claimJobs";
import { enqueueJobs } from "@scaleproof/db/queries/enqueueJobs";
import { jobHistory } from "@scaleproof/db/queries/jobHistory";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";
import { createTestDatabase, type TestDatabase } from "@scaleproof/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CompletionBatch, HeartbeatBatch } from "../../src/jobs/batches.ts";
import { waitUntil } from "../support/jobs.ts";
import { beats, installBeatLog } from "./beatLog.ts";

/** HeartbeatBatch and CompletionBatch on a real Postgres, heartbeat statements counted by a trigger. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_job_batches");
  await installBeatLog(db.sql);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate jobs, job_execution_events, beat_log restart identity cascade`;
});

const OWNER = "i1/boot";
const claim = async (n: number): Promise<LeaseHolder[]> => {
  await enqueueJobs(
    db.sql,
    Array.from({ length: n }, () => ({ payload: { n: 1 }, runId: "r1", maxAttempts: 3 })),
  );
  const jobs = await claimJobs(db.sql, {
    owner: OWNER,
    instanceId: "i1",
    bootId: "boot",
    worker: "w",
    leaseMs: 60_000,
    limit: n,
  });
  return jobs.map((j) => ({
    jobId: j.id,
    owner: OWNER,
    attempt: j.attempt_count,
    instanceId: "i1",
    bootId: "boot",
    worker: "w",
    runId: j.run_id,
  }));
};
// The timer beats every leaseMs/3: an hour's lease leaves the beats to the test.
const heartbeat = (renewed: number[] = [], listenerErrors: unknown[] = []) =>
  new HeartbeatBatch({
    sql: db.sql,
    owner: OWNER,
    leaseMs: 3_600_000,
    onBeat: (n) => renewed.push(n),
    onListenerError: (error) => listenerErrors.push(error),
  });

describe("HeartbeatBatch", () => {
  it("renews every registered lease in one statement per beat, leaving paused ones out", async () => {
    const held = await claim(5);
    const renewed: number[] = [];
    const hb = heartbeat(renewed);
    let paused = false;
    const lost: string[] = [];
    for (const [i, h] of held.entries()) {
      hb.register({
        jobId: h.jobId,
        attempt: h.attempt,
        lost: () => lost.push(h.jobId),
        ...(i === 0 ? { paused: () => paused } : {}),
      });
    }
    await hb.beat();
    await hb.beat();
    paused = true;
    await hb.beat();
    hb.close();
    expect(await beats(db.sql)).toEqual([5, 5, 4]);
    expect(renewed).toEqual([5, 5, 4]);
    expect(lost).toEqual([]);
  });

  it("tells an attempt whose lease another owner took, once, and renews the rest", async () => {
    const [a, b, c] = await claim(3);
    if (!a || !b || !c) throw new Error("no jobs claimed");
    const hb = heartbeat();
    const lost: string[] = [];
    for (const h of [a, b, c]) {
      hb.register({ jobId: h.jobId, attempt: h.attempt, lost: () => lost.push(h.jobId) });
    }
    await db.sql`
      update jobs set lease_owner = 'intruder/boot', attempt_count = attempt_count + 1
       where id = ${b.jobId}`;
    await hb.beat();
    await hb.beat();
    hb.close();
    expect(lost).toEqual([b.jobId]);
    expect(hb.size).toBe(2);
    expect(await beats(db.sql)).toEqual([2, 2]);
  });

  it.each([
    ["older first", [0, 1]],
    ["newer first", [1, 0]],
  ])(
    "of two attempts of one job held here (a claim ignoring a live lease), tells the older one (%s)",
    async (_, order) => {
      const [a] = await claim(1);
      if (!a) throw new Error("no job claimed");
      // the same owner claims the job again (the jobs-claim-live FAULT): attempt 2 holds the row
      await db.sql`update jobs set attempt_count = attempt_count + 1 where id = ${a.jobId}`;
      const hb = heartbeat();
      const lost: number[] = [];
      for (const attempt of order.map((d) => a.attempt + d)) {
        hb.register({ jobId: a.jobId, attempt, lost: () => lost.push(attempt) });
      }
      await hb.beat();
      hb.close();
      expect(lost).toEqual([a.attempt]);
      expect(hb.size).toBe(1);
      expect(await beats(db.sql)).toEqual([1]);
    },
  );

  it("says nothing to an attempt that unregistered while the beat ran", async () => {
    const [a] = await claim(1);
    if (!a) throw new Error("no job claimed");
    const hb = heartbeat();
    let lost = 0;
    const unbeat = hb.register({ jobId: a.jobId, attempt: a.attempt, lost: () => lost++ });
    await db.sql`update jobs set status = 'completed', lease_expires_at = null where id = ${a.jobId}`;
    const beat = hb.beat(); // the snapshot holds a; it settles before the answer is judged
    unbeat();
    await beat;
    hb.close();
    expect(lost).toBe(0);
  });
});

describe("CompletionBatch", () => {
  it("completes what is queued together in one statement, fenced per row", async () => {
    const [a, b, c] = await claim(3);
    if (!a || !b || !c) throw new Error("no jobs claimed");
    await db.sql`
      update jobs set lease_owner = 'intruder/boot', attempt_count = attempt_count + 1
       where id = ${c.jobId}`;
    const batch = new CompletionBatch(db.sql, 1);
    const answers = await Promise.all([
      batch.complete(a, { trades: 1 }),
      batch.complete(b, { trades: 2 }),
      batch.complete(c, { trades: 3 }),
    ]);
    await batch.close();
    expect(answers).toEqual([true, true, false]);
    const { jobs, events } = await jobHistory(db.sql, "r1");
    expect(jobs.map((j) => j.status)).toEqual(["completed", "completed", "running"]);
    const kinds = events.filter((e) => e.kind !== "start").map((e) => [e.job_id, e.kind]);
    expect(kinds.sort()).toEqual(
      [
        [a.jobId, "finish"],
        [b.jobId, "finish"],
        [c.jobId, "completion_rejected"],
      ].sort(),
    );
  });

  it("never sends a fenced and an unfenced completion in one statement", async () => {
    const [a, b] = await claim(2);
    if (!a || !b) throw new Error("no jobs claimed");
    // both leases taken over: only the unfenced completion (a FAULT) stores its result
    await db.sql`
      update jobs set lease_owner = 'intruder/boot', attempt_count = attempt_count + 1`;
    const batch = new CompletionBatch(db.sql, 2);
    const answers = await Promise.all([
      batch.complete(a, { trades: 1 }),
      batch.complete(b, { trades: 2 }, { fenced: false }),
    ]);
    await batch.close();
    expect(answers).toEqual([false, true]);
  });
});

/**
 * Makes the next `times` completion statements fail as Postgres fails a deadlock victim
 * or a serialization failure (the statement rolled back, nothing written): a trigger on
 * the move to completed raises `code` while a sequence (not rolled back with the
 * statement) is below `times`. `failed()` says how many statements it failed.
 */
const failNextCompletions = async (code: string, times: number) => {
  await db.sql`create table if not exists fail_completions (times int not null, code text not null)`;
  await db.sql`truncate fail_completions`;
  await db.sql`insert into fail_completions values (${times}, ${code})`;
  await db.sql`drop sequence if exists fail_completion_seq`;
  await db.sql`create sequence fail_completion_seq`;
  await db.sql.unsafe(`
    create or replace function fail_completion() returns trigger language plpgsql as $$
    declare f fail_completions;
    begin
      select * into f from fail_completions;
      if nextval('fail_completion_seq') <= f.times then
        raise exception 'injected' using errcode = f.code;
      end if;
      return new;
    end $$;
    create or replace trigger fail_completion before update on jobs for each row
      when (new.status = 'completed') execute function fail_completion();`);
};
const failed = async () => {
  const [row] = await db.sql<{ n: number }[]>`
    select case when s.is_called then least(s.last_value, f.times) else 0 end::int as n
      from fail_completion_seq s, fail_completions f`;
  return row?.n;
};
const stopFailingCompletions = () => db.sql`drop trigger if exists fail_completion on jobs`;

describe("CompletionBatch on a statement Postgres rolled back", () => {
  for (const code of ["40P01", "40001"] as const) {
    it(`sends it once more on ${code}, and the batch is stored once`, async () => {
      const [a, b] = await claim(2);
      if (!a || !b) throw new Error("no jobs claimed");
      await failNextCompletions(code, 1);
      try {
        const batch = new CompletionBatch(db.sql, 1);
        const answers = await Promise.all([
          batch.complete(a, { trades: 1 }),
          batch.complete(b, { trades: 2 }),
        ]);
        await batch.close();
        expect(answers).toEqual([true, true]);
        expect(await failed()).toBe(1);
      } finally {
        await stopFailingCompletions();
      }
      const jobs = await db.sql<{ status: string; result: unknown }[]>`
        select status, result from jobs order by id`;
      const { events } = await jobHistory(db.sql, "r1");
      expect(jobs.map((j) => [j.status, j.result])).toEqual([
        ["completed", { trades: 1 }],
        ["completed", { trades: 2 }],
      ]);
      expect(events.filter((e) => e.kind === "finish")).toHaveLength(2);
    });
  }

  it("fails the batch's attempts when the second try fails too (no third), and stores nothing", async () => {
    const [a] = await claim(1);
    if (!a) throw new Error("no job claimed");
    await failNextCompletions("40P01", 3);
    try {
      const batch = new CompletionBatch(db.sql, 1);
      await expect(batch.complete(a, { trades: 1 })).rejects.toMatchObject({ code: "40P01" });
      await batch.close();
      expect(await failed()).toBe(2); // two statements sent, not three
    } finally {
      await stopFailingCompletions();
    }
    const { jobs, events } = await jobHistory(db.sql, "r1");
    expect(jobs.map((j) => j.status)).toEqual(["running"]);
    expect(events.map((e) => e.kind)).toEqual(["start"]);
  });

  it("does not send again on any other error", async () => {
    const [a] = await claim(1);
    if (!a) throw new Error("no job claimed");
    await failNextCompletions("23514", 2); // check_violation
    try {
      const batch = new CompletionBatch(db.sql, 1);
      await expect(batch.complete(a, { trades: 1 })).rejects.toMatchObject({ code: "23514" });
      await batch.close();
      expect(await failed()).toBe(1);
    } finally {
      await stopFailingCompletions();
    }
  });

  it("close() waits for a statement still in flight, without polling, and answers it", async () => {
    const [a] = await claim(1);
    if (!a) throw new Error("no job claimed");
    // the job's row is locked: the completion statement waits for the lock
    const locker = await db.sql.reserve();
    try {
      await locker`begin`;
      await locker`select 1 from jobs where id = ${a.jobId} for update`;
      const batch = new CompletionBatch(db.sql, 1);
      const answer = batch.complete(a, { trades: 1 });
      // close() is called once the statement is in flight, blocked on the lock: it must
      // wait for that statement's answer (not send it itself)
      await waitUntil("the completion statement waits for the row lock", async () => {
        const [blocked] = await db.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query like '%update jobs j%'`;
        return (blocked?.n ?? 0) > 0;
      });
      let closed = false;
      const closing = batch.close().then(() => {
        closed = true;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(closed).toBe(false);
      await locker`commit`;
      await closing;
      expect(closed).toBe(true);
      expect(await answer).toBe(true);
    } finally {
      await locker`rollback`.catch(() => {});
      locker.release();
    }
  });
});

describe("review fixes", () => {
  it("CompletionBatch answers each attempt: of two attempts of one job in a batch, only the lease holder's is accepted", async () => {
    const [a] = await claim(1);
    if (!a) throw new Error("no job claimed");
    // the same owner claimed the job again (jobs-claim-live FAULT): attempt 2 holds the row
    await db.sql`update jobs set attempt_count = attempt_count + 1 where id = ${a.jobId}`;
    const batch = new CompletionBatch(db.sql, 1);
    const answers = await Promise.all([
      batch.complete(a, { trades: 1 }),
      batch.complete({ ...a, attempt: a.attempt + 1 }, { trades: 2 }),
    ]);
    await batch.close();
    expect(answers).toEqual([false, true]);
    const { events } = await jobHistory(db.sql, "r1");
    expect(
      events
        .filter((e) => e.kind !== "start")
        .map((e) => `${e.kind}:${e.attempt}`)
        .sort(),
    ).toEqual(["completion_rejected:1", "finish:2"]);
  });

  it("a beat stuck on a locked row is given up after one period (an error), and the next beat goes out", async () => {
    const [a, b] = await claim(2);
    if (!a || !b) throw new Error("no jobs claimed");
    const errors: unknown[] = [];
    const renewed: number[] = [];
    const hb = new HeartbeatBatch({
      sql: db.sql,
      owner: OWNER,
      leaseMs: 600, // beats every 200 ms, the deadline of each
      onBeat: (n) => renewed.push(n),
      onError: (e) => errors.push(e),
    });
    hb.close(); // the test beats by hand
    let unlock: () => void = () => {};
    const held = new Promise<void>((r) => {
      unlock = r;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const tx = db.sql.begin(async (t) => {
      await t`select id from jobs where id = ${a.jobId} for update`;
      locked();
      await held;
    });
    await isLocked;
    const unbeatA = hb.register({ jobId: a.jobId, attempt: a.attempt, lost: () => {} });
    hb.register({ jobId: b.jobId, attempt: b.attempt, lost: () => {} });
    try {
      await hb.beat(); // blocks on a's row lock until its deadline
      expect(errors.map((e) => (e as Error).name)).toEqual(["BeatOverdue"]);
      unbeatA();
      await hb.beat(); // not skipped as "still in flight"
      expect(renewed).toEqual([1]);
    } finally {
      unlock();
      await tx;
    }
  });

  it("a listener that throws neither stops the others being told nor rejects the beat", async () => {
    const [a, b] = await claim(2);
    if (!a || !b) throw new Error("no jobs claimed");
    await db.sql`update jobs set lease_owner = 'intruder/boot'`;
    const reported: unknown[] = [];
    const hb = heartbeat([], reported);
    const told: string[] = [];
    hb.register({
      jobId: a.jobId,
      attempt: a.attempt,
      lost: () => {
        told.push(a.jobId);
        throw new Error("listener bug");
      },
    });
    hb.register({ jobId: b.jobId, attempt: b.attempt, lost: () => told.push(b.jobId) });
    await expect(hb.beat()).resolves.toBeUndefined();
    hb.close();
    expect(told.sort()).toEqual([a.jobId, b.jobId].sort());
    // not swallowed: the worker logs it
    expect(reported).toEqual([expect.objectContaining({ message: "listener bug" })]);
  });

  it("a throwing onBeat is reported too, and the lost attempts are still told", async () => {
    const [a] = await claim(1);
    if (!a) throw new Error("no job claimed");
    await db.sql`update jobs set lease_owner = 'intruder/boot'`;
    const reported: unknown[] = [];
    const hb = new HeartbeatBatch({
      sql: db.sql,
      owner: OWNER,
      leaseMs: 3_600_000,
      onBeat: () => {
        throw new Error("metrics bug");
      },
      onListenerError: (error) => reported.push(error),
    });
    const told: string[] = [];
    hb.register({ jobId: a.jobId, attempt: a.attempt, lost: () => told.push(a.jobId) });
    await expect(hb.beat()).resolves.toBeUndefined();
    hb.close();
    expect(told).toEqual([a.jobId]);
    expect(reported).toEqual([expect.objectContaining({ message: "metrics bug" })]);
  });
});
