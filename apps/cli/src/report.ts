import type { RunView } from "@scaleproof/client/runs";
import { unitOf } from "@scaleproof/core/scale-test/metrics/schema";
import { splitReadings } from "@scaleproof/core/scale-test/metrics/split";
import { recommendationOf } from "@scaleproof/core/scale-test/profiles/load/recommendation";
import { checksTable, table } from "./format.ts";
import type { Output } from "./output.ts";

/**
 * A run's end: its checks, its metrics (value and unit), its notes, the load
 * recommendation worded from its numbers, and the verdict line (with Scale Ready for
 * full). Chart series are left to the web UI and the export.
 */
export const printRun = (out: Output, run: RunView): void => {
  const { paint } = out;
  out.line();
  out.line(paint.bold(`run ${run.id}  profile ${run.profile}  status ${run.status}`));
  if (run.reason) out.line(`reason: ${run.reason}`);
  if (run.checks.length) out.line(checksTable(run.checks, paint, out.stream.columns));
  const { metrics, notes } = splitReadings(run.metrics);
  const options = { boxed: out.interactive, columns: out.stream.columns };
  if (Object.keys(metrics).length) {
    out.line();
    out.line(
      table(
        ["metric", "value", "unit"],
        Object.entries(metrics).map(([k, v]) => [k, String(v), unitOf(k) ?? ""]),
        options,
      ),
    );
  }
  if (Object.keys(notes).length) {
    out.line();
    out.line(table(["note", "text"], Object.entries(notes), options));
  }
  const recommendation = recommendationOf(metrics);
  if (recommendation) out.line(`\nload: ${recommendation}`);
  out.line();
  if (notes.scale_ready === "YES" || notes.scale_ready === "NO") {
    const yes = notes.scale_ready === "YES";
    out.line(paint.bold(`Scale Ready: ${yes ? paint.pass("YES") : paint.fail("NO")}`));
  }
  const verdict = run.verdict ?? (run.status === "aborted" ? "ABORTED" : "—");
  out.line(
    paint.bold(
      `${run.profile}: ${verdict === "PASS" ? paint.pass("PASS") : verdict === "RISK" ? paint.risk("RISK") : paint.fail(verdict)}`,
    ),
  );
};
