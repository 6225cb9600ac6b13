import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshots/contract.ts";
import { canonicalEncoding, contentHash } from "../../src/snapshots/hash.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, TOKEN_ENV } from "../support/ops.ts";
import { admin, errorOf, send } from "./support.ts";

/**
 * Snapshot ingest on two real instances behind the balancer, one real Postgres: an
 * acknowledgement means the rows are stored (once, unmodified), retries are idempotent
 * from any instance, changed content is 409, and the contract is strict.
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("ingest", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

let seq = 0;
const snap = (id: string, close = 1681): Snapshot => ({
  id,
  instrument: "ESZ3",
  barTime: new Date(Date.UTC(2013, 9, 7, 13, 30) + (seq++ % 10_000) * 60_000).toISOString(),
  open: 1680.25,
  high: 1700,
  low: 1670.5,
  close,
  volume: 1000 + (seq % 97),
  producer: { name: "ingest-test", seq },
});
const ingest = (body: unknown, base = c.url) => send(`${base}/api/snapshots`, "POST", body);
const results = (s: { body: unknown }) =>
  (s.body as { results: { id: string; outcome: string }[] }).results;

interface StoredRow {
  id: string;
  instrument: string;
  bar_time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: bigint;
  producer: Snapshot["producer"];
  content_hash: string;
}
const stored = (ids: string[]) =>
  c.db.sql<StoredRow[]>`
    select id, instrument, bar_time, open, high, low, close, volume, producer, content_hash
      from snapshots where id = any(${ids})`;
/** A stored row as the snapshot it claims to be: re-encoded, its hash must be the stored one. */
const asSnapshot = (r: StoredRow): Snapshot => ({
  id: r.id,
  instrument: r.instrument,
  barTime: r.bar_time.toISOString(),
  open: r.open,
  high: r.high,
  low: r.low,
  close: r.close,
  volume: Number(r.volume),
  producer: r.producer,
});

describe("acknowledged means stored, exactly once, unmodified", () => {
  it("40 concurrent callers, batches of 1..200 through the balancer: every acknowledged row is in Postgres when the answer arrives", async () => {
    const sent = new Map<string, Snapshot>();
    const answeredBy = new Set<string>();
    await Promise.all(
      Array.from({ length: 40 }, async (_, caller) => {
        for (let round = 0; round < 3; round++) {
          const size = [1, 17, 200][(caller + round) % 3] as number;
          const batch = Array.from({ length: size }, (_, i) => snap(`ack-${caller}-${round}-${i}`));
          const answer = await ingest(size === 1 ? batch[0] : batch);
          expect(answer.status).toBe(200);
          answeredBy.add(String(answer.instanceId));
          expect(results(answer)).toEqual(batch.map((s) => ({ id: s.id, outcome: "stored" })));
          // Durable before the answer: the rows are there the moment it arrives.
          const ids = batch.map((s) => s.id);
          expect((await stored(ids)).length).toBe(ids.length);
          for (const s of batch) sent.set(s.id, s);
        }
      }),
    );
    expect(answeredBy.size).toBe(2);
    const rows = await stored([...sent.keys()]);
    expect(rows.length).toBe(sent.size);
    for (const r of rows) {
      const original = sent.get(r.id) as Snapshot;
      expect(canonicalEncoding(asSnapshot(r))).toBe(canonicalEncoding(original));
      expect(r.content_hash).toBe(contentHash(original));
    }
  });
});

describe("retries are idempotent", () => {
  it("a re-sent batch, to either instance, is all duplicates and stores nothing new", async () => {
    const batch = Array.from({ length: 50 }, (_, i) => snap(`retry-${i}`));
    expect((await ingest(batch, c.instanceUrl("i1"))).status).toBe(200);
    const again = await Promise.all([
      ingest(batch, c.instanceUrl("i1")),
      ingest(batch, c.instanceUrl("i2")),
    ]);
    for (const a of again) {
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ stored: 0, duplicates: 50 });
    }
    expect((await stored(batch.map((s) => s.id))).length).toBe(50);
  });

  it("the same new batch sent to both instances at once: each id stored by exactly one of them", async () => {
    for (let round = 0; round < 10; round++) {
      const batch = Array.from({ length: 40 }, (_, i) => snap(`race-${round}-${i}`));
      const answers = await Promise.all([
        ingest(batch, c.instanceUrl("i1")),
        ingest(batch, c.instanceUrl("i2")),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const [a, b] = answers.map(results) as [
        ReturnType<typeof results>,
        ReturnType<typeof results>,
      ];
      a.forEach((r, i) => {
        expect([r.outcome, b[i]?.outcome].sort()).toEqual(["duplicate", "stored"]);
      });
    }
  });
});

describe("changed content", () => {
  it("409 with the ids; nothing of the call is stored and the stored row is unchanged", async () => {
    const original = snap("changed-1");
    expect((await ingest(original)).status).toBe(200);
    const fresh = snap("changed-new");
    const answer = await ingest([fresh, { ...original, close: 1682 }], c.instanceUrl("i2"));
    expect(answer.status).toBe(409);
    expect(errorOf(answer)).toMatchObject({ code: "SNAPSHOT_CONFLICT", ids: ["changed-1"] });
    const rows = await stored(["changed-1", "changed-new"]);
    expect(rows.map((r) => r.id)).toEqual(["changed-1"]);
    expect(rows[0]?.content_hash).toBe(contentHash(original));
    // tRPC says the same, ids included.
    const t = await send(`${c.url}/trpc/snapshots.ingest`, "POST", { ...original, volume: 1 });
    expect(t.status).toBe(409);
    expect((t.body as { error: { data: unknown } }).error.data).toMatchObject({
      appCode: "SNAPSHOT_CONFLICT",
      ids: ["changed-1"],
    });
  });
});

describe("the contract", () => {
  it("unknown fields are 400 naming them, at any depth, on REST and tRPC", async () => {
    const one = await ingest({ ...snap("strict-1"), source: "x" });
    expect(one.status).toBe(400);
    expect(errorOf(one).fields).toEqual([{ field: "source", message: "unknown field" }]);
    const nested = await ingest([
      snap("strict-2"),
      { ...snap("strict-3"), producer: { name: "p", host: "h" } },
    ]);
    expect(nested.status).toBe(400);
    expect(errorOf(nested).fields).toEqual([
      { field: "1.producer.host", message: "unknown field" },
    ]);
    const t = await send(`${c.url}/trpc/snapshots.ingest`, "POST", { ...snap("strict-4"), x: 1 });
    expect(t.status).toBe(400);
    expect((t.body as { error: { data: { fields: unknown } } }).error.data.fields).toEqual([
      { field: "x", message: "unknown field" },
    ]);
    expect((await stored(["strict-1", "strict-2", "strict-3", "strict-4"])).length).toBe(0);
  });

  it("a batch over 500 is 400; a body over the limit is 413 with the limit", async () => {
    const tooMany = await ingest(Array.from({ length: 501 }, (_, i) => snap(`many-${i}`)));
    expect(tooMany.status).toBe(400);
    const huge = await ingest([{ ...snap("huge"), instrument: "E".repeat(600_000) }]);
    expect(huge.status).toBe(413);
    expect(errorOf(huge)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limit: 512 * 1024 });
  });
});

describe("stats and the ack-before-flush fault", () => {
  it("snapshots.stats is admin-only and shows the buffer, flush lag and counters per instance", async () => {
    expect((await send(`${c.url}/ops/snapshots`, "GET")).status).toBe(401);
    const s = await send(`${c.instanceUrl("i1")}/ops/snapshots`, "GET", undefined, admin);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      instanceId: "i1",
      buffer: { rows: 0, calls: 0, oldestAgeMs: null, flushing: false },
      config: { maxBatch: 500, flushMaxRows: 500 },
      ackBeforeFlushFault: false,
    });
    const b = s.body as {
      counters: { stored: number; flushes: number };
      lastFlush: { lagMs: number };
      maxFlushLagMs: number;
    };
    expect(b.counters.stored).toBeGreaterThan(0);
    expect(b.counters.flushes).toBeGreaterThan(0);
    expect(b.lastFlush.lagMs).toBeGreaterThanOrEqual(0);
    expect(b.maxFlushLagMs).toBeGreaterThanOrEqual(b.lastFlush.lagMs);
  });

  it("with the fault an instance acknowledges rows it has not stored, and a crash loses them", async () => {
    // Straight to i1: the 413 above may have left a pooled connection to the balancer closing.
    const client = adminClient(c.instanceUrl("i1"));
    await client.faults.set.mutate({
      name: "ingest-ack-before-flush",
      instanceId: "i2",
      params: { holdMs: 60_000 },
    });
    try {
      const batch = Array.from({ length: 20 }, (_, i) => snap(`lost-${i}`));
      const answer = await ingest(batch, c.instanceUrl("i2"));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ stored: 20 });
      expect((await stored(batch.map((s) => s.id))).length).toBe(0);
      const s = await send(`${c.instanceUrl("i2")}/ops/snapshots`, "GET", undefined, admin);
      expect(s.body).toMatchObject({
        ackBeforeFlushFault: true,
        buffer: { rows: 20 },
        counters: { ackedBeforeFlush: 20 },
      });
      process.kill(c.supervisor.pid("i2") ?? 0, "SIGKILL");
      await c.allLive();
      expect((await stored(batch.map((s) => s.id))).length).toBe(0);
    } finally {
      await client.faults.clear.mutate({ name: "ingest-ack-before-flush" });
    }
  });
});
