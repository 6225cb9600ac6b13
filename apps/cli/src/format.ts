import type { Check, RunTiming } from "@scaleproof/core/scale-test/schema";
import Table from "cli-table3";

const GREEN = "\x1b[32m";
const RED = "\x1b[31m";
const YELLOW = "\x1b[33m";
const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

export const colour = (on: boolean) => ({
  on,
  pass: (s: string) => (on ? `${GREEN}${s}${RESET}` : s),
  fail: (s: string) => (on ? `${RED}${s}${RESET}` : s),
  risk: (s: string) => (on ? `${YELLOW}${s}${RESET}` : s),
  bold: (s: string) => (on ? `${BOLD}${s}${RESET}` : s),
});
export type Paint = ReturnType<typeof colour>;

/** `42s`, `5m10s`, `1h02m`. */
export const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
};

/** Where a run stands in time: `2m10s elapsed, ~5m00s left (step 40%)`. */
export const timingText = (t: RunTiming | undefined, ended: boolean): string => {
  if (!t) return "";
  const parts = [t.elapsedMs === null ? null : `${clock(t.elapsedMs)} elapsed`];
  if (!ended) parts.push(`~${clock(t.remainingMs)} left`);
  const step =
    !ended && t.stepProgress !== null ? ` (step ${Math.round(t.stepProgress * 100)}%)` : "";
  const text = parts.filter(Boolean).join(", ");
  return text ? `  ${text}${step}` : "";
};

/** `[#########---------------------]  30%  stampede` */
export const progressBar = (fraction: number, step: string | null, width = 30): string => {
  const f = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(f * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%  ${step ?? ""}`;
};

const PLAIN_CHARS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/**
 * A table through cli-table3. On a terminal: box-drawn, the last column word-wrapped to
 * the terminal's width (cli-table3 measures cells with their colour codes stripped).
 * Elsewhere: plain columns with a dashed rule under the head, no trailing spaces, so a log
 * or a grep reads it as before.
 */
export const table = (
  head: readonly string[],
  rows: readonly (readonly string[])[],
  opts: { readonly boxed: boolean; readonly columns?: number | undefined } = { boxed: false },
): string => {
  if (!opts.boxed) {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const t = new Table({
      head: [...head],
      chars: PLAIN_CHARS,
      style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
    });
    t.push(
      widths.map((w) => "-".repeat(w)),
      ...rows.map((r) => [...r]),
    );
    return t
      .toString()
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n");
  }
  const t = new Table({
    head: [...head],
    style: { head: ["bold"], border: ["grey"], compact: true },
    wordWrap: true,
    colWidths: lastColumnFits(head, rows, opts.columns),
  });
  t.push(...rows.map((r) => [...r]));
  return t.toString();
};

/** Natural widths, except the last column, which gets what the terminal has left (>= 20). */
const lastColumnFits = (
  head: readonly string[],
  rows: readonly (readonly string[])[],
  columns: number | undefined,
): (number | null)[] => {
  const natural = head.map(
    (h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? "").length)) + 2,
  );
  if (!columns) return natural.map(() => null);
  const others = natural.slice(0, -1).reduce((a, b) => a + b, 0) + head.length + 1;
  const last = natural.at(-1) ?? 0;
  return [...natural.slice(0, -1).map(() => null), Math.max(20, Math.min(last, columns - others))];
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what it strips
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

export const checksTable = (
  checks: readonly Check[],
  paint: Paint,
  columns?: number | undefined,
): string => {
  const rows = checks.map((c) => [
    c.pass ? paint.pass("PASS") : c.zone === "risk" ? paint.risk("RISK") : paint.fail("FAIL"),
    c.name,
    c.expected,
    String(c.actual),
    c.detail ?? "",
  ]);
  return table(["", "check", "expected", "actual", "detail"], rows, {
    boxed: paint.on,
    columns,
  });
};
