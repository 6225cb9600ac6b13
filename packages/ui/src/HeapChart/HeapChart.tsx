import { LineChart } from "@mantine/charts";
import { Text } from "@mantine/core";

export interface HeapPoint {
  readonly instanceId: string;
  readonly t: number;
  readonly heapUsedMb: number;
}

const COLORS = ["blue.6", "orange.6", "teal.6", "grape.6", "red.6"];

/** heapUsed over time, one line per instance (seconds since the first sample). */
export function HeapChart({ points }: { readonly points: readonly HeapPoint[] }) {
  if (points.length === 0) return <Text c="dimmed">No memory samples for this run.</Text>;
  const t0 = Math.min(...points.map((p) => p.t));
  const instances = [...new Set(points.map((p) => p.instanceId))].sort();
  const rows = new Map<number, Record<string, number>>();
  for (const p of points) {
    const s = Math.round((p.t - t0) / 1000);
    rows.set(s, { ...(rows.get(s) ?? { s }), [p.instanceId]: p.heapUsedMb });
  }
  return (
    <LineChart
      h={240}
      data={[...rows.values()].sort((a, b) => (a.s ?? 0) - (b.s ?? 0))}
      dataKey="s"
      unit=" MB"
      connectNulls
      withDots={false}
      series={instances.map((name, i) => ({ name, color: COLORS[i % COLORS.length] ?? "blue.6" }))}
      xAxisLabel="seconds"
      data-testid="heap-chart"
    />
  );
}
