import type { Check } from "@scaleproof/core/scale-test/schema";

const GREEN = "\x1b[32m";
const RED = "\x1b[31m";
const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

export const colour = (on: boolean) => ({
  pass: (s: string) => (on ? `${GREEN}${s}${RESET}` : s),
  fail: (s: string) => (on ? `${RED}${s}${RESET}` : s),
  bold: (s: string) => (on ? `${BOLD}${s}${RESET}` : s),
});

/** `[#########-----------]  45%  stampede` */
export const progressBar = (fraction: number, step: string | null, width = 30): string => {
  const f = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(f * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%  ${step ?? ""}`;
};

/** Fixed-width columns, header underlined; widths from the content. */
export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
};

export const checksTable = (checks: readonly Check[], paint: ReturnType<typeof colour>): string => {
  const rows = checks.map((c) => [
    c.pass ? "PASS" : "FAIL",
    c.name,
    c.expected,
    String(c.actual),
    c.detail ?? "",
  ]);
  return table(["", "check", "expected", "actual", "detail"], rows)
    .split("\n")
    .map((l) => (l.startsWith("PASS") ? paint.pass(l) : l.startsWith("FAIL") ? paint.fail(l) : l))
    .join("\n");
};
