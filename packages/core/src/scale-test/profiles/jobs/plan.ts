import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";

export const JOBS_DEFAULT_MIN = 15;
/** A quick run's jobs must all have ended within this; a full run gets it after its last wave. */
export const QUICK_DEADLINE_MS = 120_000;
/** Full runs enqueue a wave every minute. */
export const WAVE_MS = 60_000;
export const RESTART_WAIT_MS = 60_000;
export const ZOMBIE_WAIT_MS = 60_000;
/** How long Postgres stays down in the (opt-in) restart during the execute step. */
export const PG_DOWN_MS = 2_000;

export const jobsDurationMs = (params: RunParams) =>
  (params.durationMin ?? JOBS_DEFAULT_MIN) * 60_000;

/** Full runs: another wave is due when the last one is a minute old and a whole wave still fits. */
export const waveDue = (params: RunParams, elapsedMs: number, wavesSoFar: number): boolean =>
  moreWavesComing(params, elapsedMs) && elapsedMs >= wavesSoFar * WAVE_MS;

export const moreWavesComing = (params: RunParams, elapsedMs: number): boolean =>
  !params.quick && elapsedMs + WAVE_MS < jobsDurationMs(params);

const EXECUTE_QUICK_MS = 30_000;

export const jobsPlan = (params: RunParams): Plan => [
  { name: "setup", ms: 1_000 },
  { name: "arm", ms: 1_000 },
  { name: "enqueue", ms: 2_000 },
  {
    name: "execute",
    ms:
      (params.quick ? EXECUTE_QUICK_MS : Math.max(0, jobsDurationMs(params) - 4_000)) +
      (params.restarts?.includes("postgres") ? PG_DOWN_MS : 0),
  },
  { name: "verify", ms: 2_000 + (params.crash ? 5_000 : 0) + (params.stall ? 10_000 : 0) },
  { name: "verdict", ms: 0 },
];
