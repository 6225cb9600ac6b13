import type { RunExport } from "@scaleproof/client/export";
import { unitOf } from "@scaleproof/core/scale-test/metrics/schema";
import { recommendationOf } from "@scaleproof/core/scale-test/profiles/load/recommendation";

/**
 * A table cell: pipes escaped, angle brackets as entities (GitHub would read `<x>` as a
 * tag), line breaks as `<br>`, so one value never breaks or hides part of the row.
 */
const cell = (v: unknown): string =>
  String(v ?? "")
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>");

/** A table folded away under a `<details>` summary; nothing when it has no row. */
const folded = (
  title: string,
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string[] =>
  rows.length === 0
    ? []
    : [
        "",
        `<details><summary>${title}</summary>`,
        "",
        `| ${header.join(" | ")} |`,
        `|${header.map(() => "---|").join("")}`,
        ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
        "",
        "</details>",
      ];

/**
 * A run as Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY): the verdict
 * (and Scale Ready for a full run) in the heading, one table row per check with expected
 * next to actual, the load recommendation worded from its numbers, the metrics (with their
 * units) and notes folded away below.
 */
export const markdownSummary = (doc: RunExport): string => {
  const { run } = doc;
  const verdict = run.verdict ?? run.status.toUpperCase();
  const icon = run.verdict === "PASS" ? "✅" : run.verdict === "RISK" ? "⚠️" : "❌";
  const ready = doc.notes.scale_ready;
  const lines = [
    `## ${icon} scaleproof ${run.profile}: ${verdict}${ready === "YES" || ready === "NO" ? ` — Scale Ready: ${ready}` : ""}`,
    "",
    `Run \`${run.id}\` (${run.status}) against ${doc.environment.targetUrl}, ${doc.environment.instancesSeen.length} instance(s) seen; runner ${doc.environment.runner.instanceId} (${doc.environment.runner.version}).`,
  ];
  if (run.reason) lines.push("", `Reason: ${cell(run.reason)}`);
  if (doc.checks.length) {
    const passed = doc.checks.filter((c) => c.pass).length;
    const risk = doc.checks.filter((c) => c.zone === "risk").length;
    lines.push(
      "",
      `${passed} of ${doc.checks.length} checks passed${risk ? `, ${risk} at RISK (⚠️: between the PASS and FAIL lines)` : ""}.`,
      "",
      "| | check | expected | actual | detail |",
      "|---|---|---|---|---|",
      ...doc.checks.map(
        (c) =>
          `| ${c.pass ? "✅" : c.zone === "risk" ? "⚠️ RISK" : "❌"} | ${cell(c.name)} | ${cell(c.expected)} | ${cell(c.actual)} | ${cell(c.detail)} |`,
      ),
    );
  }
  const recommendation = recommendationOf(doc.metrics);
  if (recommendation) lines.push("", `Load: ${cell(recommendation)}.`);
  lines.push(
    ...folded(
      "Metrics",
      ["metric", "value", "unit"],
      Object.entries(doc.metrics).map(([k, v]) => [k, v, unitOf(k)]),
    ),
    ...folded("Notes", ["note", "text"], Object.entries(doc.notes)),
  );
  return `${lines.join("\n")}\n`;
};
