import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";

export const CACHE_DEFAULT_MIN = 10;
/**
 * With the replay upstream the runner slows the stampede's and the takeover's fetch to
 * this, so the concurrent requests reach every instance while it is in flight.
 */
export const OVERLAP_LATENCY_MS = 1_500;
/** The takeover step waits this long at most for the holder's lease, and for the crashed instance to come back. */
export const LEASE_WAIT_MS = 5_000;
export const RESTART_WAIT_MS = 60_000;
/** How long Redis stays down in the (opt-in) restart step. */
export const REDIS_DOWN_MS = 2_000;

/** The short steps' planned time; the sustain takes the rest of the run's duration. */
const short = (params: RunParams): Plan => [
  { name: "setup", ms: 1_000 },
  { name: "warmup", ms: 1_000 },
  { name: "hit", ms: 1_000 },
  { name: "stampede", ms: 2_000 },
  // the dead holder's lease expires (5 s), one waiter takes over and fetches, the instance restarts
  { name: "takeover", ms: params.crash ? 10_000 : 0 },
  { name: "cross-instance", ms: 5_000 },
];

export const cachePlan = (params: RunParams): Plan => {
  const durationMs = (params.durationMin ?? CACHE_DEFAULT_MIN) * 60_000;
  const steps = short(params);
  const before = steps.reduce((a, s) => a + s.ms, 0);
  return [
    ...steps,
    { name: "sustain", ms: params.quick ? 0 : Math.max(0, durationMs - before) },
    // Redis down, every instance healthy again, a slowed stampede on new keys
    ...(params.restarts?.includes("redis")
      ? [{ name: "redis-restart", ms: REDIS_DOWN_MS + 5_000 }]
      : []),
    { name: "verdict", ms: 1_000 },
  ];
};
