import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";

export const CACHE_DEFAULT_MIN = 10;

/** The short steps' planned time; the sustain takes the rest of the run's duration. */
const SHORT: Plan = [
  { name: "setup", ms: 1_000 },
  { name: "warmup", ms: 1_000 },
  { name: "hit", ms: 1_000 },
  { name: "stampede", ms: 2_000 },
  { name: "cross-instance", ms: 5_000 },
];

export const cachePlan = (params: RunParams): Plan => {
  const durationMs = (params.durationMin ?? CACHE_DEFAULT_MIN) * 60_000;
  const before = SHORT.reduce((a, s) => a + s.ms, 0);
  return [
    ...SHORT,
    { name: "sustain", ms: params.quick ? 0 : Math.max(0, durationMs - before) },
    { name: "verdict", ms: 1_000 },
  ];
};
