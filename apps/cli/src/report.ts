import type { RunView } from "@scaleproof/client/runs";
import { checksTable, table } from "./format.ts";
import type { Output } from "./output.ts";

/** A run's end: its checks, its metrics, and the verdict line (with Scale Ready for full). */
export const printRun = (out: Output, run: RunView): void => {
  const { paint } = out;
  out.line();
  out.line(paint.bold(`run ${run.id}  profile ${run.profile}  status ${run.status}`));
  if (run.reason) out.line(`reason: ${run.reason}`);
  if (run.checks.length) out.line(checksTable(run.checks, paint, out.stream.columns));
  const metrics = Object.entries(run.metrics);
  if (metrics.length) {
    out.line();
    out.line(
      table(
        ["metric", "value"],
        metrics.map(([k, v]) => [k, String(v)]),
        { boxed: out.interactive, columns: out.stream.columns },
      ),
    );
  }
  out.line();
  if (run.metrics.scale_ready === "YES" || run.metrics.scale_ready === "NO") {
    const yes = run.metrics.scale_ready === "YES";
    out.line(paint.bold(`Scale Ready: ${yes ? paint.pass("YES") : paint.fail("NO")}`));
  }
  const verdict = run.verdict ?? (run.status === "aborted" ? "ABORTED" : "—");
  out.line(
    paint.bold(
      `${run.profile}: ${verdict === "PASS" ? paint.pass("PASS") : verdict === "RISK" ? paint.risk("RISK") : paint.fail(verdict)}`,
    ),
  );
};
