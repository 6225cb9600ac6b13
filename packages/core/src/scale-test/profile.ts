import type { Effect } from "effect";
import type { ProfileResult } from "./check.ts";
import type { ProfileError } from "./errors.ts";
import type { Streams } from "./profiles/streams/service.ts";
import type { Plan } from "./progress/plan.ts";
import type { ProfileName, RunParams } from "./schema.ts";
import type { DbEvidence } from "./services/dbEvidence.ts";
import type { Evidence } from "./services/evidence.ts";
import type { Faults } from "./services/faults.ts";
import type { Infra } from "./services/infra.ts";
import type { Ingest } from "./services/ingest.ts";
import type { JobEvidence } from "./services/jobEvidence.ts";
import type { Load } from "./services/load.ts";
import type { MemoryEvidence } from "./services/memoryEvidence.ts";
import type { Progress } from "./services/progress.ts";
import type { Scaler } from "./services/scaler.ts";
import type { Target } from "./services/target.ts";
import type { Uploads } from "./services/uploads.ts";
import type { RunEvidence } from "./verdict/evidence.ts";

export type ProfileServices =
  | Target
  | Evidence
  | JobEvidence
  | MemoryEvidence
  | Progress
  | Faults
  | Scaler
  | Infra
  | Load
  | DbEvidence
  | Ingest
  | Uploads
  | Streams;

/**
 * A profile's findings and the evidence its pure judge computed them from (persisted with
 * the run and exported, so `scaleproof judge` can re-compute the verdict from the file).
 * Every profile here returns it; one that does not cannot be re-judged.
 */
export interface Judged extends ProfileResult {
  readonly evidence?: RunEvidence;
}

/**
 * A scale-test profile: a program over the runner's services. Adding one is a folder in
 * `profiles/` (steps and a pure judge) and a line in the registry; the runner,
 * persistence, API, CLI and export need no change. A failed property is a FAIL check,
 * never an error: errors are for runs that could not measure at all.
 */
export interface Profile {
  readonly name: ProfileName;
  readonly title: string;
  /** The seed's duration for a full (non-quick) run. */
  readonly defaultDurationMin: number;
  /** Its steps and the time each is planned to take with these params; progress is weighted by it. */
  readonly plan: (params: RunParams) => Plan;
  readonly run: (params: RunParams) => Effect.Effect<Judged, ProfileError, ProfileServices>;
}
