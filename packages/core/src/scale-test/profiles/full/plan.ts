import type { Profile } from "../../profile.ts";
import { type Plan, prefixPlan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";
import { cacheProfile } from "../cache/profile.ts";
import { jobsProfile } from "../jobs/profile.ts";
import { memoryProfile } from "../memory/profile.ts";

export const FULL_DEFAULT_MIN = 60;
export const PARTS = [cacheProfile, jobsProfile, memoryProfile] as const;
/** The seed's 60 minutes, split 10 / 15 / 35 unless a duration is given. */
const SHARE: Readonly<Record<string, number>> = { cache: 10 / 60, jobs: 15 / 60, memory: 35 / 60 };
/** Open-loop rate and length of each of the two scaling measurements. */
export const SCALING_RATE_PER_S = 30;
/**
 * Quick: 5 s each; full: a second per minute of the run (the seed's 60 minutes: 60 s),
 * so a compressed run (`durationMin` 9: 9 s) keeps the parts' share of its time.
 */
export const scalingSeconds = (params: RunParams) =>
  params.quick ? 5 : Math.min(60, Math.max(5, Math.round(params.durationMin ?? FULL_DEFAULT_MIN)));

/** One part's params: the run's, with its share of the duration. */
export const partParams = (params: RunParams, part: Profile): RunParams => ({
  ...params,
  profile: part.name,
  durationMin: (params.durationMin ?? FULL_DEFAULT_MIN) * (SHARE[part.name] ?? 0),
});

export const fullPlan = (params: RunParams): Plan => [
  ...PARTS.flatMap((p) => prefixPlan(p.name, p.plan(partParams(params, p)))),
  { name: "scaling", ms: 2 * scalingSeconds(params) * 1000 },
  { name: "verdict", ms: 0 },
];
