import { createRequire } from "node:module";
import type { RunExport } from "@scaleproof/client/export";
import { unitOf } from "@scaleproof/core/scale-test/metrics/schema";
import type { Builder } from "junit-report-builder";

// The package is CommonJS (`module.exports = builder`) but its types declare an ES
// default export, which TypeScript's nodenext reads as `{ default: builder }`: require
// it as it is.
const junit = createRequire(import.meta.url)("junit-report-builder") as Builder;

const seconds = (from: string | null, to: string | null): number | undefined =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : undefined;

/**
 * A run as JUnit XML, for CI test reporters: one testsuite per run, one testcase per
 * check (class `scaleproof.<profile>.<step>`), a failing check's `<failure>` saying what
 * was expected and what was measured, and the run's metrics and notes as suite properties. A check
 * at RISK is `<skipped/>` (GitHub's JUnit reporters list it apart from passes and
 * failures) with a `zone=risk` property and `RISK: expected .., actual ..` as its output. A run
 * that did not finish (aborted) adds an errored `run` testcase with the reason, so a
 * report with every check green still shows the run failed.
 */
export const junitReport = (doc: RunExport): string => {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(`scaleproof ${doc.run.profile}`);
  const time = seconds(doc.run.startedAt, doc.run.finishedAt);
  if (time !== undefined) suite.time(time);
  suite
    .property("run.id", doc.run.id)
    .property("run.status", doc.run.status)
    .property("run.verdict", doc.run.verdict ?? "none")
    .property("target", doc.environment.targetUrl)
    .property("schemaVersion", doc.schemaVersion);
  for (const [name, value] of Object.entries(doc.metrics)) {
    suite.property(`metric.${name}`, String(value));
  }
  for (const [name, text] of Object.entries(doc.notes)) suite.property(`note.${name}`, text);
  for (const c of doc.checks) {
    const tc = suite
      .testCase()
      .className(`scaleproof.${doc.run.profile}.${c.step}`)
      .name(c.name)
      .property("expected", c.expected)
      .property("actual", String(c.actual));
    // the check's own figure, when a metric is named for it with its unit (`requests.failed_count`)
    for (const [k, v] of Object.entries(doc.metrics)) {
      if (k.startsWith(`${c.name}_`) && unitOf(k) === k.slice(c.name.length + 1)) {
        tc.property(`metric.${k}`, String(v));
      }
    }
    const zone = c.zone ?? (c.pass ? "pass" : "fail");
    if (c.zone) tc.property("zone", zone);
    if (zone === "fail")
      tc.failure(`expected ${c.expected}, actual ${String(c.actual)}`, "CheckFailed");
    if (zone === "risk") {
      // not a pass, not a failure: reporters show skipped ones apart, and the output says why
      tc.skipped();
      tc.standardOutput(
        `RISK: expected ${c.expected}, actual ${String(c.actual)}${c.detail ? `\n${c.detail}` : ""}`,
      );
    } else if (c.detail) tc.standardOutput(c.detail);
  }
  if (doc.run.status === "aborted" || doc.run.status === "queued" || doc.run.status === "running") {
    suite
      .testCase()
      .className(`scaleproof.${doc.run.profile}`)
      .name("run")
      .error(`run ${doc.run.status}: ${doc.run.reason ?? "no reason given"}`, "RunNotFinished");
  }
  return builder.build();
};
