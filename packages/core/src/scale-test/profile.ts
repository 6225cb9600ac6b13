import type { Effect } from "effect";
import type { ProfileResult } from "./check.ts";
import type { ProfileError } from "./errors.ts";
import type { ProfileName, RunParams } from "./schema.ts";
import type {
  Evidence,
  Faults,
  JobEvidence,
  MemoryEvidence,
  Progress,
  Scaler,
  Target,
} from "./services.ts";

export type ProfileServices =
  | Target
  | Evidence
  | JobEvidence
  | MemoryEvidence
  | Progress
  | Faults
  | Scaler;

/**
 * A scale-test profile: a program over the runner's services. Adding one is a file in
 * `profiles/` and a line in the registry; the runner, persistence, API, CLI and export
 * need no change. A failed property is a FAIL check, never an error: errors are for
 * runs that could not measure at all.
 */
export interface Profile {
  readonly name: ProfileName;
  readonly title: string;
  /** The seed's duration for a full (non-quick) run. */
  readonly defaultDurationMin: number;
  readonly steps: readonly string[];
  readonly run: (params: RunParams) => Effect.Effect<ProfileResult, ProfileError, ProfileServices>;
}
