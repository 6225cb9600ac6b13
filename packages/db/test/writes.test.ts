import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimJobs } from "../src/queries/claimJobs.ts";
import { enqueueCappedJobs } from "../src/queries/enqueueCappedJobs.ts";
import { insertJobs } from "../src/queries/enqueueJobs.ts";
import { finalizeUpload, UPLOAD_JOB_KIND } from "../src/queries/finalizeUpload.ts";
import { findSnapshotHashes } from "../src/queries/findSnapshotHashes.ts";
import { insertSnapshots, type SnapshotRow } from "../src/queries/insertSnapshots.ts";
import { insertUpload } from "../src/queries/insertUpload.ts";
import { lockJobQueue } from "../src/queries/lockJobQueue.ts";
import { readUploadBytes } from "../src/queries/readUploadBytes.ts";
import { readWorkerStatus } from "../src/queries/readWorkerStatus.ts";
import { storeUploadChunk } from "../src/queries/storeUploadChunk.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

/** Write paths (DESIGN section 11) at the SQL level, on a real Postgres. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_writes");
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate jobs, job_execution_events, uploads, upload_chunks, snapshots cascade`;
});

const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
/** A chunk's body as the route hands it over: pieces as they arrive. */
const chunkOf = (uploadId: string, n: number, bytes: Buffer, piece = 3) => ({
  uploadId,
  n,
  length: bytes.length,
  body: (async function* () {
    for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
  })(),
});
const job = (n: number, idempotencyKey?: string) => ({
  payload: { n },
  runId: null,
  maxAttempts: 3,
  idempotencyKey,
});
const newUpload = (bytes: Uint8Array) =>
  insertUpload(db.sql, {
    filename: "f.bin",
    contentType: "application/octet-stream",
    size: bytes.length,
    sha256: sha(bytes),
    runId: null,
    instanceId: "t",
  });
const pending = async () =>
  (
    await db.sql<
      { n: number }[]
    >`select count(*)::int as n from jobs where status in ('queued', 'running')`
  )[0]?.n;

describe("the queue cap", () => {
  it("a SERIALIZABLE finalize that waited at the gate counts the job committed before it", async () => {
    const bytes = Buffer.from("one chunk");
    const id = await newUpload(bytes);
    await storeUploadChunk(db.sql, chunkOf(id, 0, bytes));
    let holding!: () => void;
    const held = new Promise<void>((r) => {
      holding = r;
    });
    let commit!: () => void;
    const committing = new Promise<void>((r) => {
      commit = r;
    });
    // A READ COMMITTED enqueuer holds the gate with one job not yet committed.
    const first = db.sql.begin(async (tx) => {
      await lockJobQueue(tx);
      await insertJobs(tx, [job(1)]);
      holding();
      await committing;
    });
    await held;
    const finalize = finalizeUpload(db.sql, {
      uploadId: id,
      chunks: 1,
      bytes: bytes.length,
      cap: 1,
      runId: null,
      maxAttempts: 3,
    });
    // The finalize is inside its transaction, waiting for the gate (not merely queued in
    // the client): only then does this test say anything about its snapshot.
    for (;;) {
      const [w] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_locks
         where not granted
           and database = (select oid from pg_database where datname = current_database())`;
      if (w?.n === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    commit();
    await first;
    expect(await finalize).toEqual({ kind: "queue-full", pending: 1 });
    expect(await pending()).toBe(1);
  });

  it("concurrent capped enqueues admit exactly the cap; a known idempotency key is answered when full", async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => enqueueCappedJobs(db.sql, [job(i, `k${i}`)], 7)),
    );
    expect(answers.filter((a) => !a.full)).toHaveLength(7);
    expect(await pending()).toBe(7);
    const admitted = answers.findIndex((a) => !a.full);
    const again = await enqueueCappedJobs(db.sql, [job(admitted, `k${admitted}`)], 7);
    expect(again).toMatchObject({ full: false, jobs: [{ created: false, samePayload: true }] });
    expect(await enqueueCappedJobs(db.sql, [job(99, "k-new")], 7)).toEqual({
      full: true,
      pending: 7,
    });
  });
});

describe("finalize", () => {
  const finalize = (uploadId: string, chunks: number, bytes: number, cap = 50) =>
    finalizeUpload(db.sql, { uploadId, chunks, bytes, cap, runId: "r1", maxAttempts: 3 });

  it("enqueues one upload-process job, then answers the same job; a changed chunk set is refused", async () => {
    const bytes = Buffer.from("abcdef");
    const id = await newUpload(bytes);
    await storeUploadChunk(db.sql, chunkOf(id, 0, bytes));
    expect(await finalize(id, 2, 6)).toEqual({ kind: "changed" });
    expect(await finalize(id, 1, 5)).toEqual({ kind: "changed" });
    const first = await finalize(id, 1, 6);
    expect(first.kind).toBe("enqueued");
    const jobId = (first as { jobId: string }).jobId;
    expect(await finalize(id, 1, 6)).toEqual({ kind: "already", jobId });
    const [row] = await db.sql`select kind, payload, idempotency_key from jobs where id = ${jobId}`;
    expect(row).toEqual({
      kind: UPLOAD_JOB_KIND,
      payload: { uploadId: id },
      idempotency_key: `upload:${id}`,
    });
    const [claimed] = await claimJobs(db.sql, {
      owner: "i1/b",
      instanceId: "i1",
      bootId: "b",
      worker: "w",
      leaseMs: 1000,
      limit: 1,
    });
    expect(claimed?.kind).toBe(UPLOAD_JOB_KIND);
  });

  it("unknown upload, and a full queue leaves the upload open", async () => {
    expect(await finalize("00000000-0000-0000-0000-000000000000", 0, 0)).toEqual({
      kind: "missing",
    });
    const id = await newUpload(Buffer.alloc(0));
    await enqueueCappedJobs(db.sql, [job(1)], 1);
    expect(await finalize(id, 0, 0, 1)).toEqual({ kind: "queue-full", pending: 1 });
    const [u] = await db.sql`select status from uploads where id = ${id}`;
    expect(u?.status).toBe("open");
  });
});

describe("chunks", () => {
  it("stored once, streamed in pieces; the same bytes again are a duplicate, other bytes a conflict; size, digest and state are enforced", async () => {
    const file = Buffer.from("0123456789");
    const id = await newUpload(file);
    const put = (n: number, b: Buffer, expectSha256?: string) =>
      storeUploadChunk(db.sql, { ...chunkOf(id, n, b), expectSha256 });
    const a = file.subarray(0, 6);
    expect(await put(0, a)).toEqual({ kind: "stored", sha256: sha(a) });
    expect(await put(0, a)).toEqual({ kind: "duplicate", sha256: sha(a) });
    const x = Buffer.from("xxxxxx");
    expect(await put(0, x)).toEqual({ kind: "conflict", sha256: sha(x), storedSha256: sha(a) });
    expect(await put(1, Buffer.from("12345"))).toEqual({
      kind: "over-size",
      declared: 10,
      stored: 6,
    });
    const b = file.subarray(6);
    expect(await put(1, b, sha(a))).toEqual({ kind: "digest-mismatch", sha256: sha(b) });
    expect(await put(1, b, sha(b))).toEqual({ kind: "stored", sha256: sha(b) });
    expect(
      await finalizeUpload(db.sql, {
        uploadId: id,
        chunks: 2,
        bytes: 10,
        cap: 5,
        runId: null,
        maxAttempts: 1,
      }),
    ).toMatchObject({ kind: "enqueued" });
    expect(await put(2, Buffer.from("z"))).toEqual({ kind: "finalized" });
    expect(await put(1, b)).toEqual({ kind: "duplicate", sha256: sha(b) });
    expect(
      await storeUploadChunk(db.sql, chunkOf("00000000-0000-0000-0000-000000000000", 0, a)),
    ).toEqual({ kind: "missing" });
    const rows = await db.sql<{ n: number; size: number; sha256: string; bytes: Buffer }[]>`
      select n, size, sha256, bytes from upload_chunks c where upload_id = ${id} order by n`;
    expect(rows.map((r) => [r.n, r.size, r.sha256, r.bytes.toString()])).toEqual([
      [0, 6, sha(a), "012345"],
      [1, 4, sha(b), "6789"],
    ]);
  });

  it("a chunk streamed in many pieces is read back whole, in order, with binary COPY", async () => {
    const file = randomBytes(300_000);
    const id = await newUpload(file);
    const cut = 200_017;
    await storeUploadChunk(db.sql, chunkOf(id, 0, file.subarray(0, cut), 7_001));
    await storeUploadChunk(db.sql, chunkOf(id, 1, file.subarray(cut), 65_536));
    const read = [];
    for await (const c of readUploadBytes(db.sql, id)) read.push(c);
    expect(read.map((c) => [c.n, c.size, c.sha256])).toEqual([
      [0, cut, sha(file.subarray(0, cut))],
      [1, file.length - cut, sha(file.subarray(cut))],
    ]);
    expect(Buffer.concat(read.map((c) => c.bytes)).equals(file)).toBe(true);
  });

  it("a COPY that fails at its end (the upload vanished) fails the chunk instead of hanging", async () => {
    const file = Buffer.from("abcdefgh");
    const id = await newUpload(file);
    const body = (async function* () {
      yield file.subarray(0, 4);
      // While the chunk streams, its upload goes: the row's foreign key fails at the end.
      await db.sql`delete from uploads where id = ${id}`;
      yield file.subarray(4);
    })();
    await expect(
      storeUploadChunk(db.sql, { uploadId: id, n: 0, length: 8, body }),
    ).rejects.toMatchObject({ code: "23503" });
    expect(await db.sql`select 1 from upload_chunks where upload_id = ${id}`).toHaveLength(0);
  });

  it("a body shorter than announced stores nothing; concurrent writers of one chunk number store it once", async () => {
    const file = Buffer.from("abcdefgh");
    const id = await newUpload(file);
    const short = { ...chunkOf(id, 0, file.subarray(0, 4)), length: 8 };
    expect(await storeUploadChunk(db.sql, short)).toEqual({ kind: "length-mismatch", received: 4 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        storeUploadChunk(db.sql, chunkOf(id, 0, i % 2 ? file : Buffer.from("ABCDEFGH"), 1)),
      ),
    );
    const kinds = answers.map((x) => x.kind);
    expect(kinds.filter((k) => k === "stored")).toHaveLength(1);
    const [row] = await db.sql<{ bytes: Buffer }[]>`
      select bytes from upload_chunks c where upload_id = ${id}`;
    const winner = row?.bytes.toString();
    // Every other writer is a duplicate if it sent the winner's bytes, else a conflict.
    answers.forEach((x, i) => {
      const mine = i % 2 ? "abcdefgh" : "ABCDEFGH";
      if (x.kind !== "stored") expect(x.kind).toBe(mine === winner ? "duplicate" : "conflict");
    });
  });
});

describe("snapshots", () => {
  const row = (id: string, extra: Partial<SnapshotRow> = {}): SnapshotRow => ({
    id,
    instrument: "ESZ3",
    barTime: "2013-10-07T13:30:00.000Z",
    open: 1680.25,
    high: 1681.5,
    low: 1679.75,
    close: 0.1 + 0.2,
    volume: 9_007_199_254_740_991,
    producer: { name: 'feed "a"', seq: 1 },
    contentHash: sha(id),
    runId: null,
    ...extra,
  });

  it("one statement stores a flush exactly; ids already there are skipped and not reported", async () => {
    const by = { instanceId: "i1", bootId: "b1" };
    expect(await insertSnapshots(db.sql, [row("a"), row("b", { runId: "r1" })], by)).toEqual(
      new Set(["a", "b"]),
    );
    expect(await insertSnapshots(db.sql, [row("b"), row("c")], by)).toEqual(new Set(["c"]));
    const [a] = await db.sql`
      select instrument, bar_time, open, high, low, close, volume, producer, content_hash, run_id
        from snapshots where id = 'a'`;
    expect(a).toEqual({
      instrument: "ESZ3",
      bar_time: new Date("2013-10-07T13:30:00.000Z"),
      open: 1680.25,
      high: 1681.5,
      low: 1679.75,
      close: 0.1 + 0.2,
      volume: 9_007_199_254_740_991n,
      producer: { name: 'feed "a"', seq: 1 },
      content_hash: sha("a"),
      run_id: null,
    });
    expect(await findSnapshotHashes(db.sql, ["a", "c", "zz"])).toEqual(
      new Map([
        ["a", sha("a")],
        ["c", sha("c")],
      ]),
    );
  });
});

describe("worker status", () => {
  it("counts by kind and status, ages queued work, groups running leases by owner, lists stale work", async () => {
    await db.sql`
      insert into jobs (kind, payload, status, created_at, run_after) values
        ('backtest', '{}', 'queued', now() - interval '40 minutes', now() - interval '40 minutes'),
        ('backtest', '{}', 'queued', now(), now() + interval '1 hour'),
        ('upload-process', '{}', 'completed', now(), now())`;
    await db.sql`
      insert into jobs (kind, payload, status, lease_owner, lease_expires_at, updated_at) values
        ('backtest', '{}', 'running', 'i1/b1', now() + interval '1 minute', now() - interval '2 seconds'),
        ('backtest', '{}', 'running', 'i1/b1', now() - interval '1 second', now() - interval '9 seconds'),
        ('upload-process', '{}', 'running', 'i2/b2', now() + interval '1 minute', now())`;
    const s = await readWorkerStatus(db.sql, { staleAfterMs: 30 * 60_000, staleListed: 5 });
    expect(s.counts).toEqual([
      { kind: "backtest", status: "queued", n: 2 },
      { kind: "backtest", status: "running", n: 2 },
      { kind: "upload-process", status: "completed", n: 1 },
      { kind: "upload-process", status: "running", n: 1 },
    ]);
    expect(s.queued.claimable).toBe(1);
    expect(s.queued.oldestAgeMs).toBeGreaterThan(40 * 60_000 - 1000);
    expect(s.queued.oldestClaimableAgeMs).toBeGreaterThan(40 * 60_000 - 1000);
    expect(s.leases.map(({ owner, active, expired }) => ({ owner, active, expired }))).toEqual([
      { owner: "i1/b1", active: 1, expired: 1 },
      { owner: "i2/b2", active: 1, expired: 0 },
    ]);
    expect(s.leases[0]?.lastHeartbeatAgeMs).toBeGreaterThanOrEqual(2000);
    expect(s.leases[0]?.lastHeartbeatAgeMs).toBeLessThan(9000);
    expect(s.stale.count).toBe(1);
    expect(s.stale.oldest).toHaveLength(1);
    expect(s.stale.oldest[0]?.kind).toBe("backtest");
  });
});
