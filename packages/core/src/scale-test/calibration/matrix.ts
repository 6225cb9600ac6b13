import type { CalibrationCase } from "./cases.ts";
import { type Forgery, judgeForgery } from "./forgery.ts";

/** What one calibration run ended as. */
export interface CalibrationRun {
  readonly caseId: string;
  readonly runId: string | null;
  /** The run's verdict; null when it did not end with one (aborted, refused). */
  readonly verdict: "PASS" | "RISK" | "FAIL" | null;
  readonly failedChecks: readonly string[];
  /** The forgery case: the forged requests sent during the run and what the deployment counted. */
  readonly forgery?: Forgery;
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
  /** Why the outcome is what it is, where the verdict alone does not say (forgery counts, the wrong checks FAILed). */
  readonly detail?: string;
}

export interface CalibrationMatrix {
  readonly rows: readonly MatrixRow[];
  /** True only when every planted defect FAILed its profile and every control PASSed. */
  readonly trustworthy: boolean;
  readonly counts: Readonly<Record<MatrixRow["outcome"], number>>;
}

type Judged = { readonly outcome: MatrixRow["outcome"]; readonly detail?: string };

/**
 * A FAIL catches the defect only through the checks it exists to trip (`catches`): any
 * other FAIL (the default crash's, a timing line's) is not this defect's doing. A case
 * that names none cannot be caught.
 */
const failOutcome = (c: CalibrationCase, r: CalibrationRun): Judged => {
  if (r.verdict !== "FAIL") return { outcome: "missed" };
  const catches = c.catches ?? [];
  if (r.failedChecks.some((n) => catches.includes(n))) return { outcome: "caught" };
  return {
    outcome: "missed",
    detail: catches.length
      ? `FAILed, but none of ${catches.join(", ")} did: the FAIL is not this defect's doing`
      : "FAILed, but the case names no check it exists to trip: not proven",
  };
};

/** PASS despite forgery: the run PASSed and the deployment counted every forged request it read. */
const forgeryOutcome = (r: CalibrationRun): Judged => {
  const f = judgeForgery(r.forgery);
  if (r.verdict !== "PASS") return { outcome: "false alarm", detail: f.detail };
  return { outcome: f.ok ? "passed" : "missed", detail: f.detail };
};

const outcomeOf = (c: CalibrationCase, r: CalibrationRun | undefined): Judged => {
  if (!r || r.verdict === null) return { outcome: "no verdict" };
  if (c.expect === "FAIL") return failOutcome(c, r);
  if (c.expect === "PASS_DESPITE_FORGERY") return forgeryOutcome(r);
  return { outcome: r.verdict === "PASS" ? "passed" : "false alarm" };
};

/** Pure: the cases and what their runs ended as -> the harness's own confusion matrix. */
export const calibrationMatrix = (
  cases: readonly CalibrationCase[],
  runs: readonly CalibrationRun[],
): CalibrationMatrix => {
  const rows = cases.map((c): MatrixRow => {
    const r = runs.find((x) => x.caseId === c.id);
    const judged = outcomeOf(c, r);
    return {
      caseId: c.id,
      defect: c.defect,
      profile: c.profile,
      expected: c.expect,
      verdict: r?.verdict ?? null,
      outcome: judged.outcome,
      failedChecks: r?.failedChecks ?? [],
      runId: r?.runId ?? null,
      ...(judged.detail === undefined ? {} : { detail: judged.detail }),
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
