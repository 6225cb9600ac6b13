import { EXIT } from "../exit.ts";
import { runIdArg } from "../runId.ts";
import type { Command } from "./command.ts";

/**
 * `scaleproof cancel RUN_ID`: asks the run's runner to stop (it sees the request at its
 * next lease renewal and ends the run aborted). A run that has ended answers CONFLICT.
 */
export const cancel: Command = {
  options: [],
  validate: (_values, positionals) => {
    runIdArg("cancel", positionals);
  },
  async run({ client, out, positionals }) {
    const run = await client.scaleTest.cancel.mutate({ runId: runIdArg("cancel", positionals) });
    out.line(
      `cancel requested for run ${run.id} (${run.profile}, ${run.status}); its runner stops it shortly`,
    );
    return EXIT.pass;
  },
};
