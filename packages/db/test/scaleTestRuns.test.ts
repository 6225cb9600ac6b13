import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { abortExpiredScaleTestRuns } from "../src/queries/abortExpiredScaleTestRuns.ts";
import { currentScaleTestRun } from "../src/queries/currentScaleTestRun.ts";
import { expiredScaleTestRuns } from "../src/queries/expiredScaleTestRuns.ts";
import { finishScaleTestRun } from "../src/queries/finishScaleTestRun.ts";
import { getScaleTestRun } from "../src/queries/getScaleTestRun.ts";
import { insertScaleTestEvents } from "../src/queries/insertScaleTestEvents.ts";
import { insertScaleTestRun, type NewScaleTestRun } from "../src/queries/insertScaleTestRun.ts";
import { renewScaleTestRunLease } from "../src/queries/renewScaleTestRunLease.ts";
import { requestScaleTestRunCancel } from "../src/queries/requestScaleTestRunCancel.ts";
import { isUniqueViolation } from "../src/queries/scaleTestRunRow.ts";
import { summariseScaleTestEvents } from "../src/queries/summariseScaleTestEvents.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_runs");
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate scale_test_runs, scale_test_events cascade`;
});

const run = (id: string, over: Partial<NewScaleTestRun> = {}): NewScaleTestRun => ({
  id,
  profile: "cache",
  params: { profile: "cache", quick: true },
  targetUrl: "http://127.0.0.1:1",
  runnerInstanceId: "i1",
  runnerBootId: "boot-a",
  runnerVersion: "0.1.0",
  leaseMs: 60_000,
  ...over,
});

describe("scale test runs", () => {
  it("allows one active run across concurrent starters", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => insertScaleTestRun(db.sql, run(`r${i}`))),
    );
    const ok = attempts.filter((a) => a.status === "fulfilled");
    const refused = attempts.filter((a) => a.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused.every((a) => isUniqueViolation(a.reason))).toBe(true);
  });

  it("fences renewal and completion by the runner's boot id", async () => {
    await insertScaleTestRun(db.sql, run("r1"));
    expect(await renewScaleTestRunLease(db.sql, "r1", "boot-other", 1000)).toBeNull();
    expect(await renewScaleTestRunLease(db.sql, "r1", "boot-a", 1000)).toEqual({
      cancelRequested: false,
      lapsed: false,
    });
    const end = {
      status: "passed",
      verdict: "PASS",
      checks: [],
      metrics: {},
      reason: null,
    } as const;
    expect(await finishScaleTestRun(db.sql, "r1", "boot-other", end)).toBe(false);
    expect(await finishScaleTestRun(db.sql, "r1", "boot-a", end)).toBe(true);
    expect(await finishScaleTestRun(db.sql, "r1", "boot-a", end)).toBe(false);
    expect((await getScaleTestRun(db.sql, "r1"))?.status).toBe("passed");
    // a finished run frees the slot
    await insertScaleTestRun(db.sql, run("r2"));
  });

  it("aborts a run whose lease expired, with the reason, and leaves a live one alone", async () => {
    await insertScaleTestRun(db.sql, run("dead", { leaseMs: 1 }));
    await new Promise((r) => setTimeout(r, 20));
    expect(await abortExpiredScaleTestRuns(db.sql)).toEqual([
      { id: "dead", runnerInstanceId: "i1" },
    ]);
    const dead = await getScaleTestRun(db.sql, "dead");
    expect(dead?.status).toBe("aborted");
    expect(dead?.reason).toMatch(
      /^runner i1 \(boot boot-a\) stopped renewing its lease; it expired at /,
    );
    // the runner comes back too late: its lease is gone
    expect(await renewScaleTestRunLease(db.sql, "dead", "boot-a", 1000)).toBeNull();
    await insertScaleTestRun(db.sql, run("live"));
    expect(await abortExpiredScaleTestRuns(db.sql)).toEqual([]);
    expect((await currentScaleTestRun(db.sql))?.id).toBe("live");
  });

  it("lists expired runs with their runner, and spares the ones it is told are alive", async () => {
    await insertScaleTestRun(db.sql, run("cut-off", { leaseMs: 1 }));
    await new Promise((r) => setTimeout(r, 20));
    expect(await expiredScaleTestRuns(db.sql)).toEqual([{ id: "cut-off", runnerBootId: "boot-a" }]);
    expect(await abortExpiredScaleTestRuns(db.sql, ["cut-off"])).toEqual([]);
    expect((await getScaleTestRun(db.sql, "cut-off"))?.status).toBe("running");
    // The spared runner's renewal lands after its lease ran out: it is told so.
    expect(await renewScaleTestRunLease(db.sql, "cut-off", "boot-a", 1)).toEqual({
      cancelRequested: false,
      lapsed: true,
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await abortExpiredScaleTestRuns(db.sql, ["another"])).toEqual([
      { id: "cut-off", runnerInstanceId: "i1" },
    ]);
  });

  it("passes a cancel request to the runner at its next renewal", async () => {
    await insertScaleTestRun(db.sql, run("r1"));
    expect((await requestScaleTestRunCancel(db.sql, "r1"))?.cancel_requested).toBe(true);
    expect(await renewScaleTestRunLease(db.sql, "r1", "boot-a", 1000)).toEqual({
      cancelRequested: true,
      lapsed: false,
    });
    expect(await requestScaleTestRunCancel(db.sql, "missing")).toBeNull();
  });

  it("summarises events by kind, step and instance", async () => {
    await insertScaleTestRun(db.sql, run("r1"));
    const at = new Date();
    const req = (instanceId: string, bootId: string) => ({
      runId: "r1",
      kind: "request",
      step: "warmup",
      instanceId,
      bootId,
      data: { version: "0.1.0" },
      at,
    });
    await insertScaleTestEvents(db.sql, [
      req("i1", "b1"),
      req("i1", "b2"),
      req("i2", "b3"),
      { runId: "r1", kind: "check", step: "verdict", instanceId: null, bootId: null, data: {}, at },
    ]);
    expect(await summariseScaleTestEvents(db.sql, "r1")).toEqual({
      total: 4,
      byKind: { check: 1, request: 3 },
      byStep: { verdict: 1, warmup: 3 },
      instances: [
        { instanceId: "i1", bootIds: ["b1", "b2"], versions: ["0.1.0"], requests: 2 },
        { instanceId: "i2", bootIds: ["b3"], versions: ["0.1.0"], requests: 1 },
      ],
    });
  });
});
