import { BarChart } from "@mantine/charts";
import { Text } from "@mantine/core";

export interface LatencyRow {
  /** The part of the run the figures are for (cache, memory, ...). */
  readonly part: string;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Latency percentiles (ms) per part of a run, side by side. */
export function LatencyChart({ rows }: { readonly rows: readonly LatencyRow[] }) {
  if (rows.length === 0) return <Text c="dimmed">No latency figures for this run.</Text>;
  return (
    <BarChart
      h={200}
      data={rows.map((r) => ({ part: r.part, p50: r.p50 ?? 0, p95: r.p95 ?? 0, p99: r.p99 ?? 0 }))}
      dataKey="part"
      unit=" ms"
      series={[
        { name: "p50", color: "teal.6" },
        { name: "p95", color: "orange.6" },
        { name: "p99", color: "red.6" },
      ]}
      data-testid="latency-chart"
    />
  );
}

/** Rows from a run's metrics: `latency.p50_ms`, or `<part>/latency.p50_ms` in a full run. */
export const latencyRows = (metrics: Readonly<Record<string, unknown>>): LatencyRow[] => {
  const parts = new Map<string, LatencyRow>();
  for (const [key, value] of Object.entries(metrics)) {
    const m = /^(?:(\w+)\/)?latency\.(p50|p95|p99)_ms$/.exec(key);
    if (!m || typeof value !== "number") continue;
    const part = m[1] ?? "run";
    const row = parts.get(part) ?? { part, p50: null, p95: null, p99: null };
    parts.set(part, { ...row, [m[2] as "p50"]: value });
  }
  return [...parts.values()];
};

/** Each part's own p95 in a full run (`cache 9 · memory 20`), the run's in any other; "—" without one. */
export const p95Summary = (metrics: Readonly<Record<string, unknown>>): string => {
  const rows = latencyRows(metrics).filter((r) => r.p95 !== null);
  if (rows.length === 0) return "—";
  return rows.map((r) => (r.part === "run" ? `${r.p95}` : `${r.part} ${r.p95}`)).join(" · ");
};
