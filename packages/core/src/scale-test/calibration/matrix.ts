import type { CalibrationCase } from "./cases.ts";

/** What one calibration run ended as. */
export interface CalibrationRun {
  readonly caseId: string;
  readonly runId: string | null;
  /** The run's verdict; null when it did not end with one (aborted, refused). */
  readonly verdict: "PASS" | "RISK" | "FAIL" | null;
  readonly failedChecks: readonly string[];
  /** Forged requests the deployment refused to count (the forgery case), if known. */
  readonly forgedSent?: number;
  readonly reason?: string | null;
}

export interface MatrixRow {
  readonly caseId: string;
  readonly defect: string;
  readonly profile: string;
  readonly expected: CalibrationCase["expect"];
  readonly verdict: CalibrationRun["verdict"];
  /** caught: the defect FAILed its profile; passed: the control PASSed; missed / false alarm otherwise. */
  readonly outcome: "caught" | "missed" | "passed" | "false alarm" | "no verdict";
  readonly failedChecks: readonly string[];
  readonly runId: string | null;
}

export interface CalibrationMatrix {
  readonly rows: readonly MatrixRow[];
  /** True only when every planted defect FAILed its profile and every control PASSed. */
  readonly trustworthy: boolean;
  readonly counts: Readonly<Record<MatrixRow["outcome"], number>>;
}

const outcomeOf = (c: CalibrationCase, r: CalibrationRun | undefined): MatrixRow["outcome"] => {
  if (!r || r.verdict === null) return "no verdict";
  if (c.expect === "FAIL") return r.verdict === "FAIL" ? "caught" : "missed";
  return r.verdict === "PASS" ? "passed" : "false alarm";
};

/** Pure: the cases and what their runs ended as -> the harness's own confusion matrix. */
export const calibrationMatrix = (
  cases: readonly CalibrationCase[],
  runs: readonly CalibrationRun[],
): CalibrationMatrix => {
  const rows = cases.map((c): MatrixRow => {
    const r = runs.find((x) => x.caseId === c.id);
    return {
      caseId: c.id,
      defect: c.defect,
      profile: c.profile,
      expected: c.expect,
      verdict: r?.verdict ?? null,
      outcome: outcomeOf(c, r),
      failedChecks: r?.failedChecks ?? [],
      runId: r?.runId ?? null,
    };
  });
  const counts = { caught: 0, missed: 0, passed: 0, "false alarm": 0, "no verdict": 0 };
  for (const row of rows) counts[row.outcome]++;
  return {
    rows,
    counts,
    trustworthy: rows.every((r) => r.outcome === "caught" || r.outcome === "passed"),
  };
};
