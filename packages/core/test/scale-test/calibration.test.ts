import { describe, expect, it } from "vitest";
import { CALIBRATION_CASES } from "../../src/scale-test/calibration/cases.ts";
import {
  type Forgery,
  forgedAnswer,
  tallyForgery,
} from "../../src/scale-test/calibration/forgery.ts";
import { type CalibrationRun, calibrationMatrix } from "../../src/scale-test/calibration/matrix.ts";

/** A FAIL through the first check the case exists to trip. */
const failing = (caseId: string) =>
  CALIBRATION_CASES.find((c) => c.id === caseId)?.catches?.slice(0, 1) ?? [];

/** The forgery case's runs: 60 forged requests, every one read and counted. */
const honest: Forgery = { read: 60, refused: 0, unknown: 0, counted: 60 };

const runOf = (caseId: string, verdict: CalibrationRun["verdict"]): CalibrationRun => ({
  caseId,
  runId: `run_${caseId}`,
  verdict,
  failedChecks: verdict === "FAIL" ? failing(caseId) : [],
  ...(caseId === "cache.forgery" ? { forgery: honest } : {}),
});
const ideal = CALIBRATION_CASES.map((c) => runOf(c.id, c.expect === "FAIL" ? "FAIL" : "PASS"));

describe("calibration matrix", () => {
  it("trustworthy when every planted defect FAILs and every control PASSes", () => {
    const m = calibrationMatrix(CALIBRATION_CASES, ideal);
    expect(m.trustworthy).toBe(true);
    expect(m.counts.missed + m.counts["false alarm"] + m.counts["no verdict"]).toBe(0);
  });

  it("one missed defect makes it untrustworthy, and names the row", () => {
    const runs = ideal.map((r) =>
      r.caseId === "cache.no-redis-lock" ? runOf(r.caseId, "PASS") : r,
    );
    const m = calibrationMatrix(CALIBRATION_CASES, runs);
    expect(m.trustworthy).toBe(false);
    expect(m.rows.filter((r) => r.outcome === "missed").map((r) => r.caseId)).toEqual([
      "cache.no-redis-lock",
    ]);
  });

  it("a failing control is a false alarm; a run without a verdict or missing proves nothing", () => {
    const runs = ideal
      .map((r) => (r.caseId === "control.jobs" ? runOf(r.caseId, "FAIL") : r))
      .map((r) => (r.caseId === "memory.shed-off" ? runOf(r.caseId, null) : r))
      .filter((r) => r.caseId !== "jobs.claim-live");
    const m = calibrationMatrix(CALIBRATION_CASES, runs);
    expect(m.trustworthy).toBe(false);
    expect(m.counts).toMatchObject({ "false alarm": 1, "no verdict": 2 });
  });

  it("a RISK verdict neither catches a defect nor passes a control", () => {
    const runs = ideal.map((r) =>
      r.caseId === "memory.heap-leak" || r.caseId === "control.memory"
        ? runOf(r.caseId, "RISK")
        : r,
    );
    const m = calibrationMatrix(CALIBRATION_CASES, runs);
    expect(m.rows.find((r) => r.caseId === "memory.heap-leak")?.outcome).toBe("missed");
    expect(m.rows.find((r) => r.caseId === "control.memory")?.outcome).toBe("false alarm");
  });

  it("every defect case names the checks it exists to trip, and a FAIL through any other check is missed", () => {
    const defects = CALIBRATION_CASES.filter((c) => c.expect === "FAIL");
    for (const c of defects) expect(c.catches?.length, c.id).toBeGreaterThan(0);
    for (const c of defects) {
      // the run FAILed, but only through the crash's check: not this defect's doing
      const runs = ideal.map((r) =>
        r.caseId === c.id ? { ...r, failedChecks: ["crash.instance_restarted"] } : r,
      );
      const row = calibrationMatrix(CALIBRATION_CASES, runs).rows.find((r) => r.caseId === c.id);
      expect(row?.outcome, c.id).toBe("missed");
    }
  });

  it("every profile has a healthy control and every defect case a fault or forgery", () => {
    const profiles = new Set(CALIBRATION_CASES.map((c) => c.profile));
    for (const p of profiles) {
      expect(CALIBRATION_CASES.some((c) => c.profile === p && c.expect === "PASS")).toBe(true);
    }
    for (const c of CALIBRATION_CASES.filter((x) => x.expect === "FAIL"))
      expect(c.fault).not.toBeNull();
  });

  it("every defect runs with the parameters of a healthy control of its profile", () => {
    // A defect FAILing under parameters no control PASSed with proves nothing about the
    // defect (a zombie killed by the crash fails the fencing check on a healthy queue too).
    const controls = CALIBRATION_CASES.filter((c) => c.expect === "PASS");
    for (const c of CALIBRATION_CASES.filter((x) => x.expect === "FAIL")) {
      const twin = controls.find(
        (k) =>
          k.profile === c.profile &&
          JSON.stringify(k.params ?? {}) === JSON.stringify(c.params ?? {}),
      );
      expect(twin, c.id).toBeDefined();
    }
  });
});

describe("calibration matrix: the forgery case compares forged requests with invalid_evidence", () => {
  const rowWith = (forgery: Forgery | undefined, verdict: CalibrationRun["verdict"] = "PASS") => {
    const runs = ideal.map((r): CalibrationRun => {
      if (r.caseId !== "cache.forgery") return r;
      const { forgery: _, ...rest } = r;
      return { ...rest, verdict, ...(forgery ? { forgery } : {}) };
    });
    const m = calibrationMatrix(CALIBRATION_CASES, runs);
    const row = m.rows.find((r) => r.caseId === "cache.forgery");
    if (!row) throw new Error("no forgery row");
    return { m, row };
  };

  it("passed when the run PASSed and every forged request read was counted as invalid", () => {
    const { m, row } = rowWith(honest);
    expect(row.outcome).toBe("passed");
    expect(row.detail).toBe(
      "60 forged requests read by an instance, all 60 counted as invalid_evidence",
    );
    expect(m.trustworthy).toBe(true);
  });

  it("one forged request not counted as invalid is missed, and says it was taken as evidence or lost", () => {
    const { m, row } = rowWith({ ...honest, counted: 59 });
    expect(row.outcome).toBe("missed");
    expect(row.detail).toMatch(
      /59 counted as invalid_evidence: 1 not counted \(taken as the run's evidence, or their count lost\)/,
    );
    expect(m.trustworthy).toBe(false);
  });

  it("more counted than forged is missed too (something else was refused as forged)", () => {
    const { row } = rowWith({ ...honest, counted: 61 });
    expect(row.outcome).toBe("missed");
    expect(row.detail).toMatch(/1 more than forged/);
  });

  it("requests refused before their tag was read (429) are left out of the comparison", () => {
    const { row } = rowWith({ read: 50, refused: 10, unknown: 0, counted: 50 });
    expect(row.outcome).toBe("passed");
  });

  it("not proven (missed): an answer no instance gave, an unreadable count, nothing read, nothing sent", () => {
    expect(rowWith({ ...honest, read: 59, unknown: 1 }).row.detail).toMatch(/not proven/);
    expect(rowWith({ ...honest, read: 59, unknown: 1 }).row.outcome).toBe("missed");
    expect(rowWith({ ...honest, counted: null }).row.outcome).toBe("missed");
    expect(rowWith({ read: 0, refused: 60, unknown: 0, counted: 0 }).row.detail).toMatch(
      /not exercised/,
    );
    expect(rowWith(undefined).row.outcome).toBe("missed");
  });

  it("a FAILed forgery run is a false alarm, the count still reported", () => {
    const { row } = rowWith(honest, "FAIL");
    expect(row.outcome).toBe("false alarm");
    expect(row.detail).toMatch(/all 60 counted/);
  });

  it("answers: served or shed were read; rate limited refused; the balancer's errors and no answer unknown", () => {
    const answers = [
      forgedAnswer(200, null),
      forgedAnswer(503, "MEMORY_PRESSURE"),
      forgedAnswer(429, "RATE_LIMITED"),
      forgedAnswer(502, "BAD_GATEWAY"),
      forgedAnswer(503, "NO_LIVE_INSTANCE"),
      forgedAnswer(null, null),
    ];
    expect(tallyForgery(answers, 2)).toEqual({ read: 2, refused: 1, unknown: 3, counted: 2 });
  });
});

describe("calibration matrix: a defect is caught only through the checks it exists to trip", () => {
  it("the no-fence zombie FAILing only on the crash is missed; on jobs.duplicates it is caught", () => {
    const only = (failedChecks: string[]) =>
      calibrationMatrix(
        CALIBRATION_CASES,
        ideal.map((r) => (r.caseId === "jobs.no-fence" ? { ...r, failedChecks } : r)),
      ).rows.find((r) => r.caseId === "jobs.no-fence");
    const byCrash = only(["crash.job_retried_after_lease_expiry"]);
    expect(byCrash?.outcome).toBe("missed");
    expect(byCrash?.detail).toMatch(/not this defect's doing/);
    expect(only(["jobs.duplicates"])?.outcome).toBe("caught");
  });
});
