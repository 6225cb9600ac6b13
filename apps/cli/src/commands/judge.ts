import { readFileSync } from "node:fs";
import {
  anyRunExport,
  LEGACY_EXPORT_VERSION,
  type RunExport,
  runExport,
} from "@scaleproof/client/export";
import { thresholdsOfParams } from "@scaleproof/core/scale-test/thresholds/schema";
import { type CheckAgreement, rejudge } from "@scaleproof/core/scale-test/verdict/rejudge";
import { ArgumentError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import type { Output } from "../output.ts";
import type { Command } from "./command.ts";

const fileArg = (positionals: readonly string[]): string => {
  const [file, extra] = positionals;
  if (!file) throw new ArgumentError("FILE", "judge needs an exported run (scaleproof export)");
  if (extra !== undefined) throw new ArgumentError(extra, "unexpected argument");
  return file;
};

/** The file as an export (v1 read as v2), or an error saying why it is not one (the CLI exits 2). */
const readExport = (file: string): RunExport => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // an older version's export is read as today's; today's gets its own schema's errors
  const legacy =
    typeof json === "object" &&
    json !== null &&
    (json as { schemaVersion?: unknown }).schemaVersion === LEGACY_EXPORT_VERSION;
  const doc = (legacy ? anyRunExport : runExport).safeParse(json);
  if (!doc.success) {
    const issues = doc.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${file}: not a run export: ${issues.join("; ")}`);
  }
  return doc.data;
};

const shown = (c: { pass: boolean; actual: unknown } | null) =>
  c === null ? "absent" : `${c.pass ? "PASS" : "FAIL"} ${JSON.stringify(c.actual)}`;

const printCheck = (out: Output, c: CheckAgreement) => {
  if (c.agrees) {
    out.line(`  ${out.paint.pass("agree   ")}  ${c.name}: ${shown(c.recomputed)}`);
  } else {
    out.line(
      `  ${out.paint.fail("DISAGREE")}  ${c.name}: stored ${shown(c.stored)}, re-judged ${shown(c.recomputed)}`,
    );
  }
  // wording only (an export made before a line's text changed): said, not a disagreement
  for (const note of c.notes) out.line(`            note: ${note}`);
};

/**
 * `scaleproof judge FILE`: re-computes a run's verdict from its export alone, with the
 * same pure judges the run used, over the evidence the export carries; prints agree or
 * DISAGREE per check (substance: PASS/FAIL, zone, measured value; a difference in wording,
 * such as an older export's expected text, is a note under an agreeing check). Exit 0 when every check and the verdict agree with what the file
 * says, 1 when they do not (or there is no evidence to judge), 2 when the file is not an
 * export. Needs no deployment.
 */
export const judge: Command = {
  options: [],
  validate: (_values, positionals) => {
    fileArg(positionals);
  },
  async run({ out, positionals }) {
    const file = fileArg(positionals);
    const doc = readExport(file);
    const evidence = doc.evidence ?? null;
    if (evidence === null) {
      out.line(
        `${file}: run ${doc.run.id} carries no evidence to judge (aborted, or exported before evidence was kept)`,
      );
      return EXIT.fail;
    }
    if (evidence.profile !== doc.run.profile) {
      out.line(
        `${file}: the evidence is a ${evidence.profile} run's, the run is ${doc.run.profile}`,
      );
      return EXIT.fail;
    }
    // the thresholds the run set: the same lines, or the checks would not agree
    const thresholds = thresholdsOfParams(doc.parameters);
    const r = rejudge({ verdict: doc.run.verdict, checks: doc.checks }, evidence, thresholds);
    out.line(`${doc.run.id} (${doc.run.profile}), re-judged from ${file}:`);
    for (const c of r.checks) printCheck(out, c);
    const verdict = `verdict: stored ${doc.run.verdict ?? "none"}, re-judged ${r.verdict}`;
    out.line(r.agrees ? `${verdict}: agrees` : out.paint.fail(`${verdict}: DISAGREES`));
    return r.agrees ? EXIT.pass : EXIT.fail;
  },
};
