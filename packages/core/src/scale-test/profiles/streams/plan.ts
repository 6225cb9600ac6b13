import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";

export const STREAMS_DEFAULT_MIN = 5;
/** Streams the runner holds open through the front door. */
export const STREAM_COUNT = 20;
const QUICK_HOLD_MS = 30_000;
/** After the streams are closed: the same time without subscribers, the query baseline. */
export const baselineMsOf = (params: RunParams) => (params.quick ? 10_000 : 30_000);
export const holdMsOf = (params: RunParams) =>
  params.quick ? QUICK_HOLD_MS : (params.durationMin ?? STREAMS_DEFAULT_MIN) * 60_000;

export const streamsPlan = (params: RunParams): Plan => [
  { name: "open", ms: 2_000 },
  { name: "hold", ms: holdMsOf(params) },
  { name: "close", ms: 1_000 },
  { name: "baseline", ms: baselineMsOf(params) },
  { name: "verdict", ms: 0 },
];
