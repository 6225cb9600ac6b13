import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";

export const DB_DEFAULT_MIN = 5;
/** Full runs repeat both bursts once a minute until the duration is spent. */
export const ROUND_MS = 60_000;
/** How long the profile waits for its backtests to end before it judges. */
export const JOBS_WAIT_MS = 60_000;
/** What the first round and the steps around it take; full runs spend the rest on more rounds. */
const FIXED_MS = 25_000;

export const dbDurationMs = (params: RunParams) => (params.durationMin ?? DB_DEFAULT_MIN) * 60_000;

export const dbPlan = (params: RunParams): Plan => [
  { name: "setup", ms: 1_000 },
  { name: "explain", ms: 2_000 },
  { name: "creations", ms: 5_000 },
  { name: "cold-reads", ms: 5_000 },
  ...(params.quick ? [] : [{ name: "rounds", ms: Math.max(0, dbDurationMs(params) - FIXED_MS) }]),
  { name: "settle", ms: 10_000 },
  { name: "verify", ms: 2_000 },
  { name: "verdict", ms: 0 },
];
