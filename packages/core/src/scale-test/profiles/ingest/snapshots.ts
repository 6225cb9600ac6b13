import type { RecordedBar, SnapshotBody } from "./data.ts";

export const PRODUCER = "scaleproof-ingest";

/**
 * Snapshot `seq` of a run: recorded bar `seq` (cycling through the bars when the run
 * sends more snapshots than the range holds), as a producer would push it. Prices and
 * volumes are the bar's own, never made up; the id and seq are unique per snapshot, so
 * a retry resends the same id and a stored row can be traced back to what was sent.
 */
export const snapshotOf = (
  runId: string,
  instrument: string,
  bars: readonly RecordedBar[],
  seq: number,
): SnapshotBody => {
  const bar = bars[seq % bars.length] as RecordedBar;
  return {
    id: `${runId}:${seq}`,
    instrument,
    barTime: bar.ts,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    producer: { name: PRODUCER, seq },
  };
};
