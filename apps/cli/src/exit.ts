import type { RunView } from "@scaleproof/client/runs";

/** 0 PASS, 1 FAIL, 2 anything else: bad arguments, unreachable, refused, aborted or interrupted. */
export const EXIT = { pass: 0, fail: 1, error: 2 } as const;

export const exitFor = (run: RunView): number =>
  run.status === "passed" ? EXIT.pass : run.status === "failed" ? EXIT.fail : EXIT.error;
