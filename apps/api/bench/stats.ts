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

export interface Amount {
  readonly name: string;
  /** What was moved, in the block's unit (rows, MB). */
  readonly amount: number;
  readonly seconds: number;
  /** A line printed under the table (where the time went). */
  readonly note?: string;
}

/**
 * A throughput block in any unit: per row the amount, the time, the rate and its ratio to
 * the ceiling row (the bare path a user would write instead), and to a second reference.
 */
export const printThroughput = (
  title: string,
  rows: readonly Amount[],
  o: { readonly unit: string; readonly ceiling: string; readonly reference?: string },
): void => {
  const rate = (r: Amount | undefined) => (r ? r.amount / r.seconds : Number.NaN);
  const base = rate(rows.find((r) => r.name === o.ceiling));
  const ref = rate(rows.find((r) => r.name === o.reference));
  const fixed = (n: number) => n.toFixed(n >= 100 ? 0 : 1);
  const ratio = (n: number, to: number) => `${(n / to).toFixed(2)}x`;
  console.log(`\n${title}`);
  const head = [o.unit.padStart(7), "s".padStart(7), `${o.unit}/s`.padStart(9)];
  head.push("vs ceiling".padStart(12), o.reference ? "vs plain".padStart(10) : "");
  console.log(`${"".padEnd(58)}${head.join("")}`);
  for (const r of rows) {
    const mark = r.name === o.ceiling ? " (ceiling)" : "";
    const cells = [fixed(r.amount).padStart(7), r.seconds.toFixed(2).padStart(7)];
    cells.push(fixed(rate(r)).padStart(9), ratio(rate(r), base).padStart(12));
    cells.push(o.reference ? ratio(rate(r), ref).padStart(10) : "");
    console.log(`${(r.name + mark).padEnd(58)}${cells.join("")}`);
  }
  for (const r of rows) if (r.note) console.log(`  ${r.name}: ${r.note}`);
};

/** `work`, or an error once `ms` have passed: a bench block stops by itself. */
export const within = async <T>(ms: number, what: string, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
};
