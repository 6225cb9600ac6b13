import { runIdInput } from "@scaleproof/core/scale-test/schema";
import { ArgumentError } from "./errors.ts";

/** The RUN_ID positional of results/cancel/export, checked as the API checks it. */
export const runIdArg = (command: string, positionals: readonly string[]): string => {
  const [runId, extra] = positionals;
  if (!runId)
    throw new ArgumentError("RUN_ID", `${command} needs a RUN_ID (scaleproof list shows them)`);
  if (extra !== undefined) throw new ArgumentError(extra, "unexpected argument");
  if (!runIdInput.safeParse({ runId }).success) {
    throw new ArgumentError("RUN_ID", `not a run id: ${runId}`);
  }
  return runId;
};
