import type { RunExport } from "@scaleproof/client/export";
import type { Client } from "@scaleproof/client/trpc";
import type { CommandLine } from "../args.ts";
import type { Output } from "../output.ts";
import { retrying } from "../retrying.ts";
import { appendOut, writeOut } from "./files.ts";
import { junitReport } from "./junit.ts";
import { markdownSummary } from "./summary.ts";

export const fetchExport = (client: Client, runId: string): Promise<RunExport> =>
  retrying(() => client.scaleTest.export.query({ runId }));

/**
 * What a run leaves for CI: the export (`--json FILE|-`), JUnit XML (`--junit FILE`), a
 * Markdown summary (`--summary FILE`, and appended to $GITHUB_STEP_SUMMARY when
 * `stepSummary` and that variable is set). The export is fetched once, only if needed.
 */
export const writeRunOutputs = async (
  client: Client,
  runId: string,
  values: CommandLine["values"],
  out: Output,
  { stepSummary }: { readonly stepSummary: boolean },
): Promise<void> => {
  const githubSummary = stepSummary ? process.env.GITHUB_STEP_SUMMARY || undefined : undefined;
  if (!values.json && !values.junit && !values.summary && !githubSummary) return;
  const doc = await fetchExport(client, runId);
  if (values.json) {
    writeOut(values.json, `${JSON.stringify(doc, null, 2)}\n`);
    if (values.json !== "-") out.line(`exported ${doc.schemaVersion} to ${values.json}`);
  }
  if (values.junit) {
    writeOut(values.junit, junitReport(doc));
    out.line(`JUnit report: ${values.junit}`);
  }
  const md = values.summary || githubSummary ? markdownSummary(doc) : "";
  if (values.summary) {
    writeOut(values.summary, md);
    out.line(`summary: ${values.summary}`);
  }
  if (githubSummary) appendOut(githubSummary, md);
};
