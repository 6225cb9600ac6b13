import { writeOut } from "../ci/files.ts";
import { fetchExport } from "../ci/outputs.ts";
import { EXIT } from "../exit.ts";
import { runIdArg } from "../runId.ts";
import type { Command } from "./command.ts";

/** `scaleproof export RUN_ID [--json FILE|-]`: the run's export document (stdout by default). */
export const exportRun: Command = {
  options: ["json"],
  stdoutIsData: (values) => (values.json ?? "-") === "-",
  validate: (_values, positionals) => {
    runIdArg("export", positionals);
  },
  async run({ client, out, values, positionals }) {
    const doc = await fetchExport(client, runIdArg("export", positionals));
    const file = values.json ?? "-";
    writeOut(file, `${JSON.stringify(doc, null, 2)}\n`);
    if (file !== "-") out.line(`exported ${doc.schemaVersion} to ${file}`);
    return EXIT.pass;
  },
};
