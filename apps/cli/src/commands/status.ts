import { EXIT } from "../exit.ts";
import { printRun } from "../report.ts";
import type { Command } from "./command.ts";

/** `scaleproof status`: the active run, else the latest. */
export const status: Command = {
  options: [],
  async run({ client, out }) {
    const run = await client.scaleTest.status.query();
    if (!run) out.line("no scale-test runs yet");
    else printRun(out, run);
    return EXIT.pass;
  },
};
