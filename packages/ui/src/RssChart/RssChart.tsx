import { Text } from "@mantine/core";
import { TimeSeriesChart } from "../TimeSeriesChart/TimeSeriesChart.tsx";

/**
 * rss of each instance over the run (MB), from the samples its sampler persisted, with
 * the peak figures and the budget they are judged against.
 */
export function RssChart({
  encoded,
  peaks,
  budget,
}: {
  readonly encoded: unknown;
  /** Each instance's peak during the concurrent uploads, MB. */
  readonly peaks: Readonly<Record<string, number>>;
  readonly budget: string;
}) {
  const listed = Object.entries(peaks)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, mb]) => `${id} ${mb} MB`)
    .join(" · ");
  return (
    <>
      <TimeSeriesChart
        encoded={encoded}
        unit="MB"
        yLabel="rss (MB)"
        xLabel="seconds since the first upload"
        empty="No memory samples for this run."
        testId="rss-chart"
      />
      <Text size="xs" c="dimmed" data-testid="rss-peaks">
        peak rss during the uploads: {listed || "—"} · {budget}
      </Text>
    </>
  );
}
