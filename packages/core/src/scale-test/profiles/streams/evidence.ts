import type { QueryReading, StreamReport } from "./service.ts";

/** One instance's heap while the streams were held: post-GC heap where sampled, else heapUsed. */
export interface HeapSeries {
  readonly instanceId: string;
  readonly series: "postGcHeap" | "heapUsed";
  readonly points: readonly { readonly t: number; readonly y: number }[];
}

/** Everything the streams judge decides from: plain data, no I/O. */
export interface StreamsEvidence {
  readonly connections: number;
  readonly holdMs: number;
  readonly streams: readonly StreamReport[];
  readonly heap: readonly HeapSeries[];
  /** `scaleproof_pg_queries_total` per instance around the hold and around the baseline. */
  readonly queries: {
    readonly source: "metrics";
    readonly holdStart: readonly QueryReading[];
    readonly holdEnd: readonly QueryReading[];
    readonly baselineStart: readonly QueryReading[];
    readonly baselineEnd: readonly QueryReading[];
  };
}
