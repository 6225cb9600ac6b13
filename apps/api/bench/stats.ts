/** Percentile by nearest rank over a sorted copy. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
};

export interface Summary {
  readonly name: string;
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
}

export const summarise = (name: string, samples: readonly number[]): Summary => ({
  name,
  n: samples.length,
  p50: percentile(samples, 50),
  p99: percentile(samples, 99),
});

export const printTable = (title: string, rows: readonly Summary[], baseline?: string): void => {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n${title}`);
  console.log(
    `${"".padEnd(44)}${"n".padStart(6)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}${base ? "  p50 ratio".padStart(12) : ""}`,
  );
  for (const r of rows) {
    const ratio = base ? `${(r.p50 / base.p50).toFixed(2)}x`.padStart(12) : "";
    console.log(
      `${r.name.padEnd(44)}${String(r.n).padStart(6)}${r.p50.toFixed(3).padStart(10)}${r.p99.toFixed(3).padStart(10)}${ratio}`,
    );
  }
};
