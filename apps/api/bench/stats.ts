import { percentile } from "@scaleproof/core/scale-test/stats";

export interface Summary {
  readonly name: string;
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
}

export const summarise = (name: string, samples: readonly number[]): Summary => ({
  name,
  n: samples.length,
  p50: percentile(samples, 50) ?? Number.NaN,
  p99: percentile(samples, 99) ?? Number.NaN,
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

export interface Rate {
  readonly name: string;
  readonly jobs: number;
  readonly seconds: number;
}

/** A throughput block: jobs/s per row and its ratio to the anchor row (and to a second reference). */
export const printRates = (
  title: string,
  rows: readonly Rate[],
  anchor: string,
  reference?: string,
): void => {
  const rate = (r: Rate | undefined) => (r ? r.jobs / r.seconds : Number.NaN);
  const base = rate(rows.find((r) => r.name === anchor));
  const ref = rate(rows.find((r) => r.name === reference));
  console.log(`\n${title}`);
  console.log(
    `${"".padEnd(58)}${"jobs".padStart(7)}${"s".padStart(7)}${"jobs/s".padStart(9)}${"ratio".padStart(8)}${reference ? "vs plain".padStart(10) : ""}`,
  );
  for (const r of rows) {
    const mark = r.name === anchor ? " (anchor)" : "";
    console.log(
      `${(r.name + mark).padEnd(58)}${String(r.jobs).padStart(7)}${r.seconds.toFixed(2).padStart(7)}${rate(r).toFixed(0).padStart(9)}${`${(rate(r) / base).toFixed(2)}x`.padStart(8)}${reference ? `${(rate(r) / ref).toFixed(2)}x`.padStart(10) : ""}`,
    );
  }
};
