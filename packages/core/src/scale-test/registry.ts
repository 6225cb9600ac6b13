import { Effect } from "effect";
import type { ProfileError } from "./errors.ts";
import { withPreflight } from "./preflight/step.ts";
import type { Judged, Profile, ProfileServices } from "./profile.ts";
import { cacheProfile } from "./profiles/cache/profile.ts";
import { dbProfile } from "./profiles/db/profile.ts";
import { fullProfile } from "./profiles/full/profile.ts";
import { ingestProfile } from "./profiles/ingest/profile.ts";
import { jobsProfile } from "./profiles/jobs/profile.ts";
import { loadProfile } from "./profiles/load/profile.ts";
import { memoryProfile } from "./profiles/memory/profile.ts";
import { streamsProfile } from "./profiles/streams/profile.ts";
import { uploadsProfile } from "./profiles/uploads/profile.ts";
import type { Plan } from "./progress/plan.ts";
import type { ProfileName, RunParams, Verdict } from "./schema.ts";
import { annotateSet } from "./thresholds/annotate.ts";

/** Every profile the runner knows, by name. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  cache: cacheProfile,
  jobs: jobsProfile,
  memory: memoryProfile,
  full: fullProfile,
  load: loadProfile,
  db: dbProfile,
  streams: streamsProfile,
  ingest: ingestProfile,
  uploads: uploadsProfile,
};

export interface RunOutcome extends Judged {
  readonly verdict: Verdict;
}

/** The plan of the run these params ask for: the preflight, then the profile's steps and their planned time. */
export const planOf = (params: RunParams): Plan => [
  { name: "preflight", ms: 0 },
  ...PROFILES[params.profile].plan(params),
];

/**
 * Runs the profile a run asked for, behind the preflight every run passes first (a
 * refused run sends no traffic), and judges it: PASS only if every check passed. A gate
 * the run's k6 thresholds set shows its expression next to the check (`annotateSet`).
 */
export const runProfile = (
  params: RunParams,
): Effect.Effect<RunOutcome, ProfileError, ProfileServices> =>
  withPreflight(params, planOf(params), PROFILES[params.profile].run(params)).pipe(
    Effect.map((o) => ({ ...o, checks: annotateSet(o.checks, params.thresholds) })),
  );
