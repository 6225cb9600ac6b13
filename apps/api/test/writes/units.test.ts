import type { WorkerStatusRows } from "@scaleproof/db/queries/readWorkerStatus";
import { describe, expect, it } from "vitest";
import { ingestInput, type Snapshot } from "../../src/snapshots/contract.ts";
import { decide } from "../../src/snapshots/decide.ts";
import { canonicalEncoding, contentHash } from "../../src/snapshots/hash.ts";
import { Slots } from "../../src/uploads/slots.ts";
import { judgeWorkers, workerRules } from "../../src/workers/rules.ts";

const snap: Snapshot = {
  id: "es-1",
  instrument: "ESZ3",
  barTime: "2013-10-07T09:30:00-04:00",
  open: 1680.25,
  high: 1681.5,
  low: 1679.75,
  close: 1681,
  volume: 1234,
  producer: { name: "feed", seq: 7 },
};

describe("snapshot contract", () => {
  it("one snapshot or a batch; unknown fields are named, at any depth", () => {
    expect(ingestInput.parse(snap)).toEqual([snap]);
    expect(ingestInput.parse([snap, { ...snap, id: "es-2" }])).toHaveLength(2);
    const bad = ingestInput.safeParse([
      snap,
      { ...snap, extra: 1, producer: { name: "f", host: "h" } },
    ]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["1.producer.host", "unknown field"],
      ["1.extra", "unknown field"],
    ]);
    expect(ingestInput.safeParse({ ...snap, low: 1690 }).success).toBe(false);
    expect(ingestInput.safeParse([]).success).toBe(false);
    expect(ingestInput.safeParse(Array(501).fill(snap)).success).toBe(false);
  });
});

describe("canonical encoding", () => {
  it("is sorted JSON with the bar time in UTC milliseconds, pinned byte for byte", () => {
    expect(canonicalEncoding(snap)).toBe(
      '{"barTime":"2013-10-07T13:30:00.000Z","close":1681,"high":1681.5,"id":"es-1",' +
        '"instrument":"ESZ3","low":1679.75,"open":1680.25,"producer":{"name":"feed","seq":7},"volume":1234}',
    );
    // Key order and the time's spelling do not matter; any value does.
    const reordered = {
      ...snap,
      producer: { seq: 7, name: "feed" },
      barTime: "2013-10-07T13:30:00Z",
    };
    expect(contentHash(reordered)).toBe(contentHash(snap));
    expect(contentHash({ ...snap, close: 1681.25 })).not.toBe(contentHash(snap));
    expect(contentHash({ ...snap, producer: { name: "feed" } })).not.toBe(contentHash(snap));
  });
});

describe("a flush's decisions", () => {
  it("new ids are stored, same content is a duplicate, other content refuses the whole call", () => {
    const stored = new Map([["a", "h1"]]);
    const { verdicts, insert } = decide(
      [
        { ids: ["a", "b"], hashes: ["h1", "h2"] }, // retry of a, new b
        { ids: ["b", "c"], hashes: ["h2", "h3"] }, // b decided just before: duplicate
        { ids: ["d", "a"], hashes: ["h4", "hX"] }, // a changed: nothing of this call
        { ids: ["d", "d"], hashes: ["h4", "h4"] }, // d was not stored by the refused call
        { ids: ["e", "e"], hashes: ["h5", "h6"] }, // one id, two contents in one call
      ],
      stored,
    );
    expect(verdicts).toEqual([
      { kind: "ok", outcomes: ["duplicate", "stored"] },
      { kind: "ok", outcomes: ["duplicate", "stored"] },
      { kind: "conflict", ids: ["a"] },
      { kind: "ok", outcomes: ["stored", "duplicate"] },
      { kind: "conflict", ids: ["e"] },
    ]);
    expect(insert).toEqual([[1], [1], [], [0], []]);
  });
});

const rows = (over: Partial<WorkerStatusRows> = {}): WorkerStatusRows => ({
  counts: [],
  queued: { oldestAgeMs: null, claimable: 0, oldestClaimableAgeMs: null },
  leases: [],
  stale: { count: 0, oldest: [] },
  ...over,
});

describe("worker status rules", () => {
  const rules = workerRules(3_000);
  const judge = (r: WorkerStatusRows) => {
    const j = judgeWorkers(r, rules);
    return [j.status, j.reasons.map((x) => x.rule)];
  };
  const live = { owner: "i1/b", active: 1, expired: 0, lastHeartbeatAgeMs: 500 };

  it("healthy when nothing waits, or work waits briefly", () => {
    expect(judge(rows())).toEqual(["healthy", []]);
    expect(
      judge(rows({ queued: { oldestAgeMs: 5_000, claimable: 3, oldestClaimableAgeMs: 5_000 } })),
    ).toEqual(["healthy", []]);
  });

  it("degraded: oldest queued > 5 min (with workers busy), or a worker silent > 2 leases", () => {
    const q = { oldestAgeMs: 5 * 60_000 + 1, claimable: 1, oldestClaimableAgeMs: 5 * 60_000 + 1 };
    expect(judge(rows({ queued: q, leases: [live] }))).toEqual(["degraded", ["queued-over-5m"]]);
    const silent = { ...live, lastHeartbeatAgeMs: 6_001 };
    expect(judge(rows({ leases: [silent] }))).toEqual(["degraded", ["heartbeat-stale"]]);
    expect(judge(rows({ leases: [{ ...live, lastHeartbeatAgeMs: 6_000 }] }))).toEqual([
      "healthy",
      [],
    ]);
  });

  it("critical: work queued > 30 min, or claimable work > 2 leases with no live lease", () => {
    const stale = { count: 1, oldest: [{ id: "1", kind: "backtest", ageMs: 31 * 60_000 }] };
    expect(judge(rows({ stale, leases: [live] }))).toEqual(["critical", ["queued-over-30m"]]);
    const waiting = { oldestAgeMs: 6_001, claimable: 1, oldestClaimableAgeMs: 6_001 };
    expect(judge(rows({ queued: waiting }))).toEqual(["critical", ["no-active-worker"]]);
    // Only expired leases: nobody is working.
    const dead = { ...live, active: 0, expired: 1, lastHeartbeatAgeMs: 1_000 };
    expect(judge(rows({ queued: waiting, leases: [dead] }))).toEqual([
      "critical",
      ["no-active-worker"],
    ]);
    expect(judge(rows({ queued: waiting, leases: [live] }))).toEqual(["healthy", []]);
    // Work waiting out a retry backoff is not claimable yet: no alarm.
    const backoff = { oldestAgeMs: 60_000, claimable: 0, oldestClaimableAgeMs: null };
    expect(judge(rows({ queued: backoff }))).toEqual(["healthy", []]);
  });
});

describe("chunk slots", () => {
  it("never runs more than its size at once", async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        slots.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 2));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
  });
});
