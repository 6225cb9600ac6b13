import { describe, expect, it } from "vitest";
import { CALIBRATION_CASES } from "../../src/scale-test/calibration/cases.ts";
import { type CalibrationRun, calibrationMatrix } from "../../src/scale-test/calibration/matrix.ts";

const runOf = (caseId: string, verdict: CalibrationRun["verdict"]): CalibrationRun => ({
  caseId,
  runId: `run_${caseId}`,
  verdict,
  failedChecks: verdict === "FAIL" ? ["some.check"] : [],
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
