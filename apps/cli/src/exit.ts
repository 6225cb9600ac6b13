import type { RunView } from "@scaleproof/client/runs";

/**
 * 0 PASS, 1 FAIL, 2 anything else (bad arguments, unreachable, refused, aborted or
 * interrupted), 3 RISK: no check failed but one sits between its PASS and FAIL lines.
 */
export const EXIT = { pass: 0, fail: 1, error: 2, risk: 3 } as const;

/** A run's exit code; `allowRisk` (`--allow-risk`): a RISK verdict exits 0. */
export const exitFor = (run: Pick<RunView, "status" | "verdict">, allowRisk = false): number => {
  const ended = run.status === "failed" || run.status === "passed";
  if (ended && run.verdict === "RISK") return allowRisk ? EXIT.pass : EXIT.risk;
  return run.status === "passed" ? EXIT.pass : run.status === "failed" ? EXIT.fail : EXIT.error;
};
