import { Effect } from "effect";
import { type ProfileResult, verdictOf } from "./check.ts";
import type { ProfileError } from "./errors.ts";
import type { Profile, ProfileServices } from "./profile.ts";
import { cacheProfile } from "./profiles/cache/profile.ts";
import { fullProfile } from "./profiles/full/profile.ts";
import { jobsProfile } from "./profiles/jobs/profile.ts";
import { memoryProfile } from "./profiles/memory/profile.ts";
import type { Plan } from "./progress/plan.ts";
import type { ProfileName, RunParams, Verdict } from "./schema.ts";

/** Every profile the runner knows, by name. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  cache: cacheProfile,
  jobs: jobsProfile,
  memory: memoryProfile,
  full: fullProfile,
};

export interface RunOutcome extends ProfileResult {
  readonly verdict: Verdict;
}

/** The plan of the run these params ask for: its steps and their planned time. */
export const planOf = (params: RunParams): Plan => PROFILES[params.profile].plan(params);

/** Runs the profile a run asked for and judges it: PASS only if every check passed. */
export const runProfile = (
  params: RunParams,
): Effect.Effect<RunOutcome, ProfileError, ProfileServices> =>
  PROFILES[params.profile]
    .run(params)
    .pipe(Effect.map((result) => ({ ...result, verdict: verdictOf(result.checks) })));
