import { writeFileSync } from "node:fs";
import { waitForRun } from "@scaleproof/client/runs";
import type { Client } from "@scaleproof/client/trpc";
import {
  CALIBRATION_CASES,
  type CalibrationCase,
} from "@scaleproof/core/scale-test/calibration/cases";
import {
  type ForgedAnswer,
  forgedAnswer,
  judgeForgery,
  tallyForgery,
} from "@scaleproof/core/scale-test/calibration/forgery";
import {
  type CalibrationMatrix,
  type CalibrationRun,
  calibrationMatrix,
} from "@scaleproof/core/scale-test/calibration/matrix";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { ArgumentError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import { table } from "../format.ts";
import type { Output } from "../output.ts";
import type { Command } from "./command.ts";

const casesOf = (value: string | undefined): readonly CalibrationCase[] => {
  if (value === undefined) return CALIBRATION_CASES;
  const ids = value.split(",").map((s) => s.trim());
  const unknown = ids.filter((id) => !CALIBRATION_CASES.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new ArgumentError(
      "--cases",
      `unknown: ${unknown.join(", ")} (known: ${CALIBRATION_CASES.map((c) => c.id).join(", ")})`,
    );
  }
  return CALIBRATION_CASES.filter((c) => ids.includes(c.id));
};

/** Switches the case's fault on, aimed where the case says (never at the runner for "other"). */
const arm = async (client: Client, c: CalibrationCase, runner: string) => {
  if (!c.fault) return;
  let instanceId: string | undefined;
  if (c.fault.instance === "other") {
    const instances = (await client.instances.list.query()) as {
      instanceId: string;
      live: boolean;
    }[];
    instanceId = instances.find((i) => i.live && i.instanceId !== runner)?.instanceId;
    if (!instanceId) throw new Error(`${c.id}: needs an instance besides the runner ${runner}`);
  }
  await client.faults.set.mutate({
    name: c.fault.name as never,
    params: { ...c.fault.params },
    ...(instanceId ? { instanceId } : {}),
  });
};

/**
 * Forged evidence: what an anonymous caller who learned the run id could send (tagged,
 * unsigned) to add misses to the run. A trustworthy deployment serves them as ordinary
 * requests, counts none of them as the run's, and counts each one it read as the run's
 * `invalid_evidence`. One at a time; a request in flight is never cut off (its count
 * would then be unknown), the loop only stops starting new ones.
 */
const forge = async (
  target: string,
  runId: string,
  signal: AbortSignal,
): Promise<ForgedAnswer[]> => {
  const answers: ForgedAnswer[] = [];
  for (let i = 0; !signal.aborted && i < 60; i++) {
    const start = new Date(Date.UTC(2013, 9, 8 + (i % 3), 14, i)).toISOString();
    const end = new Date(Date.UTC(2013, 9, 8 + (i % 3), 15, i)).toISOString();
    const path = `/api/bars?${new URLSearchParams({ symbol: "ES", tf: "1m", start, end })}`;
    answers.push(
      await fetch(new URL(path, target), {
        headers: { [HEADERS.run]: runId },
        signal: AbortSignal.timeout(30_000),
      })
        .then(async (r) => {
          const text = await r.text(); // read to the end: an answer cut short is unknown
          return forgedAnswer(r.status, r.status === 200 ? null : codeOf(text));
        })
        .catch(() => forgedAnswer(null, null)),
    );
    await new Promise((r) => setTimeout(r, 200));
  }
  return answers;
};

/** The error code of an instance's (or the balancer's) JSON error body. */
const codeOf = (text: string): string | null => {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : null;
  } catch {
    return null;
  }
};

/** The run's invalid_evidence count, read after the run and the forgery ended; null if unreadable. */
const countedInvalid = (client: Client, runId: string) =>
  client.calibration.invalidEvidence
    .query({ runId })
    .then((r) => r.invalidEvidence)
    .catch(() => null);

const runCase = async (
  client: Client,
  target: string,
  c: CalibrationCase,
  quick: boolean,
  out: Output,
): Promise<CalibrationRun> => {
  await client.faults.clear.mutate({});
  const armBefore = c.fault && c.fault.instance !== "other";
  if (armBefore) await arm(client, c, "");
  try {
    const started = await client.scaleTest.run.mutate({
      profile: c.profile,
      quick,
      ...(c.params ?? {}),
    } as never);
    if (c.fault && !armBefore) await arm(client, c, started.runner.instanceId);
    const stop = new AbortController();
    const forged =
      c.expect === "PASS_DESPITE_FORGERY" ? forge(target, started.id, stop.signal) : undefined;
    const run = await waitForRun(client, started.id, {});
    stop.abort();
    const answers = forged ? await forged : undefined;
    const forgery = answers
      ? tallyForgery(answers, await countedInvalid(client, started.id))
      : undefined;
    out.line(`  ${c.id}: ${run.verdict ?? run.status}${run.reason ? ` (${run.reason})` : ""}`);
    if (forgery) out.line(`    forgery: ${judgeForgery(forgery).detail}`);
    return {
      caseId: c.id,
      runId: run.id,
      verdict: run.verdict as CalibrationRun["verdict"],
      failedChecks: run.checks.filter((x) => !x.pass).map((x) => x.name),
      reason: run.reason,
      ...(forgery === undefined ? {} : { forgery }),
    };
  } finally {
    await client.faults.clear.mutate({});
  }
};

const printMatrix = (out: Output, m: CalibrationMatrix) => {
  const paint = (o: string) =>
    o === "caught" || o === "passed" ? out.paint.pass(o) : out.paint.fail(o);
  out.line(
    table(
      ["case", "defect", "expected", "verdict", "outcome", "failed checks"],
      m.rows.map((r) => [
        r.caseId,
        r.defect,
        r.expected,
        r.verdict ?? "-",
        paint(r.outcome),
        r.failedChecks.slice(0, 4).join(", ") + (r.failedChecks.length > 4 ? ", ..." : ""),
      ]),
      { boxed: out.interactive, columns: out.stream.columns },
    ),
  );
  for (const r of m.rows.filter((x) => x.detail !== undefined))
    out.line(`${r.caseId}: ${r.detail}`);
  out.line(
    `caught ${m.counts.caught}, missed ${m.counts.missed}, controls passed ${m.counts.passed}, false alarms ${m.counts["false alarm"]}, no verdict ${m.counts["no verdict"]}`,
  );
  out.line(
    m.trustworthy
      ? out.paint.pass(
          "calibration: every planted defect FAILed its profile and every control PASSed",
        )
      : out.paint.fail("calibration: NOT trustworthy (see the rows above)"),
  );
};

/**
 * `scaleproof calibrate [--quick] [--cases a,b] [--json FILE]`: the harness's own
 * confusion matrix against this deployment. Each profile runs against every defect it
 * exists to catch, planted through admin fault switches in the real code paths (partial
 * ones included), plus a healthy control and an evidence-forgery attempt. Exit 0 only
 * when every defect FAILed and every control PASSed; the matrix is recorded on the
 * deployment (the UI shows the latest) and written to --json. Needs FAULTS_ENABLED.
 */
export const calibrate: Command = {
  options: ["quick", "cases", "json"],
  stdoutIsData: (values) => values.json === "-",
  validate: (values) => {
    casesOf(values.cases);
  },
  async run({ client, out, values, target }) {
    const cases = casesOf(values.cases);
    const faults = await client.faults.list.query();
    if (!faults.enabled) {
      out.line("calibration needs fault injection: set FAULTS_ENABLED=true on the deployment");
      return EXIT.error;
    }
    const quick = values.quick === true;
    out.line(`calibrating ${cases.length} cases (${quick ? "quick" : "seed-length"} runs)...`);
    const runs: CalibrationRun[] = [];
    for (const c of cases) runs.push(await runCase(client, target, c, quick, out));
    const matrix = calibrationMatrix(cases, runs);
    printMatrix(out, matrix);
    await client.calibration.record.mutate({
      quick,
      matrix: {
        ...matrix,
        rows: matrix.rows.map((r) => ({ ...r, failedChecks: [...r.failedChecks] })),
      },
    });
    if (values.json) {
      const doc = `${JSON.stringify({ schemaVersion: "scaleproof.calibration/v1", quick, runs, ...matrix }, null, 2)}\n`;
      if (values.json === "-") process.stdout.write(doc);
      else writeFileSync(values.json, doc);
    }
    return matrix.trustworthy ? EXIT.pass : EXIT.fail;
  },
};
