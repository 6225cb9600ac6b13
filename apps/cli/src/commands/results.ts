import { writeRunOutputs } from "../ci/outputs.ts";
import { exitFor } from "../exit.ts";
import { printRun } from "../report.ts";
import { retrying } from "../retrying.ts";
import { ciOutputFlags } from "../runArgs.ts";
import { runIdArg } from "../runId.ts";
import type { Command } from "./command.ts";

/** `scaleproof results RUN_ID`: a run's checks and verdict; exit code as if it had just run. */
export const results: Command = {
  options: ["json", "junit", "summary", "allow-risk"],
  stdoutIsData: (values) => values.json === "-",
  validate: (values, positionals) => {
    runIdArg("results", positionals);
    ciOutputFlags(values);
  },
  async run({ client, out, values, positionals }) {
    const runId = runIdArg("results", positionals);
    const { run } = await retrying(() => client.scaleTest.results.query({ runId }));
    printRun(out, run);
    await writeRunOutputs(client, run.id, values, out, { stepSummary: false });
    return exitFor(run, values["allow-risk"] ?? false);
  },
};
