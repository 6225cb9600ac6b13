import { LineChart } from "@mantine/charts";
import { Text } from "@mantine/core";
import { chartRows, decodeSeries } from "./series.ts";

const COLORS = ["blue.6", "orange.6", "teal.6", "grape.6", "red.6"];

/**
 * A series metric drawn over the run's seconds, one line per name (an instance, or the
 * queue), with its unit on the axis and the legend naming each line.
 */
export function TimeSeriesChart({
  encoded,
  unit,
  yLabel,
  xLabel,
  empty,
  testId,
}: {
  readonly encoded: unknown;
  readonly unit: string;
  readonly yLabel: string;
  /** What second 0 is (the first level, the first upload). */
  readonly xLabel: string;
  readonly empty: string;
  readonly testId: string;
}) {
  const points = decodeSeries(encoded);
  if (points.length === 0) return <Text c="dimmed">{empty}</Text>;
  const names = [...new Set(points.map((p) => p.name))].sort();
  return (
    <LineChart
      h={220}
      data={chartRows(points)}
      dataKey="s"
      unit={` ${unit}`}
      connectNulls
      withDots={false}
      withLegend
      xAxisLabel={xLabel}
      yAxisLabel={yLabel}
      series={names.map((name, i) => ({ name, color: COLORS[i % COLORS.length] ?? "blue.6" }))}
      data-testid={testId}
    />
  );
}
