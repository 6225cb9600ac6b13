import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExecutionEvent, JobRecord } from "../../src/jobs/events.ts";
import { checkHistory } from "../../src/jobs/history.ts";

const start = (
  jobId: string,
  attempt: number,
  at: number,
  prev?: number,
  instanceId = "i1",
): ExecutionEvent => ({
  jobId,
  attempt,
  kind: "start",
  at,
  instanceId,
  bootId: `${instanceId}-b`,
  previousLeaseExpiresAt: prev ?? null,
});
const ev = (
  kind: ExecutionEvent["kind"],
  jobId: string,
  attempt: number,
  at: number,
  instanceId = "i1",
): ExecutionEvent => ({
  jobId,
  attempt,
  kind,
  at,
  instanceId,
  bootId: `${instanceId}-b`,
});
const job = (
  id: string,
  status: JobRecord["status"] = "completed",
  attemptCount = 1,
): JobRecord => ({ id, status, attemptCount });

describe("job history checker", () => {
  it("accepts a lease handed back on a graceful stop, then retried elsewhere at once", () => {
    const v = checkHistory(
      [job("1", "completed", 2)],
      [
        start("1", 1, 1_000, undefined, "i1"),
        ev("released", "1", 1, 1_500, "i1"),
        start("1", 2, 1_510, 1_500, "i2"),
        ev("finish", "1", 2, 2_000, "i2"),
      ],
    );
    expect(v.anomalies).toEqual([]);
  });

  it("a retry that starts before the handed-back lease ended is an overlap", () => {
    const v = checkHistory(
      [job("1", "completed", 2)],
      [
        start("1", 1, 1_000, undefined, "i1"),
        start("1", 2, 1_400, 1_500, "i2"),
        ev("released", "1", 1, 1_500, "i1"),
        ev("finish", "1", 2, 2_000, "i2"),
      ],
    );
    expect(v.anomalies.map((a) => a.kind)).toContain("overlap");
  });

  it("accepts a clean history, including a retry after the lease expired", () => {
    const v = checkHistory(
      [job("1"), job("2", "completed", 2)],
      [
        start("1", 1, 0),
        ev("finish", "1", 1, 50),
        start("2", 1, 0, undefined, "i2"),
        // i2 crashed; its lease expired at 100; i1 re-claimed at 120
        start("2", 2, 120, 100),
        ev("finish", "2", 2, 200),
      ],
    );
    expect(v).toMatchObject({
      completed: 2,
      duplicates: 0,
      overlaps: 0,
      earlyRetries: 0,
      lost: 0,
      retried: 1,
    });
    expect(v.instances).toEqual(["i1"]);
  });

  it("a zombie's rejected completion is not a duplicate", () => {
    const v = checkHistory(
      [job("1", "completed", 2)],
      [
        start("1", 1, 0, undefined, "i1"),
        start("1", 2, 150, 100, "i2"),
        ev("completion_rejected", "1", 1, 180, "i1"),
        ev("finish", "1", 2, 220, "i2"),
      ],
    );
    expect(v).toMatchObject({ completed: 1, duplicates: 0, overlaps: 0, rejectedCompletions: 1 });
  });

  it("finds duplicates, overlaps, early retries and lost jobs", () => {
    const v = checkHistory(
      [job("dup"), job("early", "completed", 2), job("lost", "running")],
      [
        start("dup", 1, 0, undefined, "i1"),
        start("dup", 2, 10, undefined, "i2"), // no lease expiry observed: claimed a live job
        ev("finish", "dup", 1, 50, "i1"),
        ev("finish", "dup", 2, 60, "i2"),
        start("early", 1, 0),
        start("early", 2, 50, 100), // lease still valid until 100
        ev("finish", "early", 2, 150),
        start("lost", 1, 0),
      ],
    );
    expect(v.duplicates).toBe(1);
    expect(v.overlaps).toBe(2);
    expect(v.earlyRetries).toBe(2);
    expect(v.lost).toBe(1);
    expect(v.completed).toBe(1);
    expect(v.anomalies.map((a) => `${a.jobId}:${a.kind}`).sort()).toEqual(
      [
        "dup:duplicate",
        "dup:early_retry",
        "dup:overlap",
        "early:early_retry",
        "early:overlap",
        "lost:lost",
      ].sort(),
    );
  });

  // A valid history: attempts in sequence, each retry after the previous lease expired.
  const validJob = fc.record({
    failures: fc.integer({ min: 0, max: 3 }),
    duration: fc.integer({ min: 1, max: 1000 }),
    lease: fc.integer({ min: 1, max: 1000 }),
    gap: fc.integer({ min: 0, max: 1000 }),
  });

  it("never flags a valid history (property)", () => {
    fc.assert(
      fc.property(fc.array(validJob, { minLength: 1, maxLength: 30 }), (specs) => {
        const jobs: JobRecord[] = [];
        const events: ExecutionEvent[] = [];
        specs.forEach((s, j) => {
          const id = String(j);
          let t = 0;
          let prevExpiry: number | undefined;
          for (let a = 1; a <= s.failures + 1; a++) {
            events.push(start(id, a, t, prevExpiry, `i${a % 2}`));
            if (a <= s.failures) {
              prevExpiry = t + s.lease;
              t = prevExpiry + s.gap;
            } else events.push(ev("finish", id, a, t + s.duration, `i${a % 2}`));
          }
          jobs.push(job(id, "completed", s.failures + 1));
        });
        const v = checkHistory(jobs, events);
        expect(v.anomalies).toEqual([]);
        expect(v.completed).toBe(specs.length);
      }),
    );
  });

  it("always flags a retry that starts before the previous lease expired (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (lease, early) => {
          const v = checkHistory(
            [job("x", "completed", 2)],
            [
              start("x", 1, 0),
              start("x", 2, Math.max(0, lease - early), lease),
              ev("finish", "x", 2, lease + 10),
            ],
          );
          expect(v.earlyRetries).toBe(1);
          expect(v.overlaps).toBe(1);
        },
      ),
    );
  });
});
