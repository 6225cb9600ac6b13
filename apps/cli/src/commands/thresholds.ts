import { THRESHOLD_METRICS } from "@scaleproof/core/scale-test/thresholds/registry";
import { EXIT } from "../exit.ts";
import type { Output } from "../output.ts";
import type { Command } from "./command.ts";

const aggregationsOf = (a: readonly string[]) => a.map((x) => (x === "p" ? "p(N)" : x)).join(" ");

/** The registry as a table: metric, seed default (quick run's when it differs), unit, judge. */
export const printThresholds = (out: Output): void => {
  const rows = THRESHOLD_METRICS.map((m) => {
    const quick = "quickDefault" in m ? ` (quick: ${m.quickDefault ?? "none"})` : "";
    return [
      m.name,
      `${m.default ?? "none"}${quick}`,
      m.unit,
      aggregationsOf(m.aggregations),
      m.judge,
      m.description,
    ];
  });
  const head = ["metric", "default", "unit", "aggregations", "judge", "what"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
  out.line(out.paint.bold(line(head)));
  for (const r of rows) out.line(line(r));
  out.line();
  out.line("set with: scaleproof run ... --threshold 'cache.hit_rate=rate>=0.95' (repeatable)");
  out.line(
    '      or: --config FILE with {"thresholds": {"memory.latency_ms": ["p(95)<300", "avg<150"]}}',
  );
  out.line(
    "          (or the API's run input field `thresholds`); a threshold wins over the same gate's",
  );
  out.line("          `load`/`db` field. Operators: < <= > >= == !=");
};

/** `scaleproof thresholds`: every gate as a k6 threshold metric, with its seed default. */
export const thresholds: Command = {
  options: [],
  validate: () => {},
  async run({ out }) {
    printThresholds(out);
    return EXIT.pass;
  },
};
