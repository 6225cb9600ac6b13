/**
 * Plain data the `Ingest` service exchanges with the ingest profile: what is sent, what
 * an instance says of its buffer, and what Postgres holds afterwards.
 */

/** One bar as the bars endpoint served it (real recorded data; prices as decimals). */
export interface RecordedBar {
  /** Bar start, ISO 8601. */
  readonly ts: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** One snapshot as the runner pushes it (the ingest contract, apps/api/src/snapshots/contract.ts). */
export interface SnapshotBody {
  readonly id: string;
  readonly instrument: string;
  readonly barTime: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** `seq` is unique per snapshot the run sends: a stored row is matched back to it by seq too. */
  readonly producer: { readonly name: string; readonly seq: number };
}

/** One instance's `snapshots.stats`, sampled by the runner (pinned to it). */
export interface IngestStatsSample {
  /** Runner's clock, ms. */
  readonly at: number;
  readonly instanceId: string;
  readonly bootId: string;
  /** Rows buffered, waiting for a flush. */
  readonly rows: number;
  /** Age of the oldest buffered call, ms (null: empty buffer). */
  readonly oldestAgeMs: number | null;
  /** Flushes since boot: tells one sampled flush from the next. */
  readonly flushes: number;
  /** The latest flush's lag (oldest call's arrival to commit), ms. */
  readonly lastFlushLagMs: number | null;
  /** Snapshots the instance answered before any flush (the ack-before-flush fault). */
  readonly ackedBeforeFlush: number;
}

/** One stored row of this run, as Postgres holds it now. */
export interface StoredSnapshot {
  readonly id: string;
  /** producer.seq as stored (null: missing or not a number). */
  readonly seq: number | null;
  /** The content hash stored with the row (computed by the instance on receipt). */
  readonly storedHash: string;
  /** The hash of the row's columns, re-encoded canonically now (what is really stored). */
  readonly rowHash: string;
  readonly instanceId: string;
}
