import { TimeSeriesChart } from "../TimeSeriesChart/TimeSeriesChart.tsx";

/**
 * A queue's depth over the run: the snapshots waiting in each instance's ingest buffer,
 * or the processing jobs pending cluster-wide while uploads finalize.
 */
export function QueueDepthChart({
  encoded,
  of,
}: {
  readonly encoded: unknown;
  readonly of: "ingest-buffer" | "jobs";
}) {
  return of === "ingest-buffer" ? (
    <TimeSeriesChart
      encoded={encoded}
      unit="rows"
      yLabel="snapshots buffered per instance"
      xLabel="seconds since the first level"
      empty="No buffer samples for this run."
      testId="queue-depth-chart"
    />
  ) : (
    <TimeSeriesChart
      encoded={encoded}
      unit="jobs"
      yLabel="jobs queued or running (cluster)"
      xLabel="seconds since the first upload"
      empty="No queue samples for this run."
      testId="queue-depth-chart"
    />
  );
}
