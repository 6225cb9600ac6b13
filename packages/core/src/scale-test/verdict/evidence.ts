import type { PreflightEvidence } from "../preflight/evidence.ts";
import type { CacheEvidence } from "../profiles/cache/evidence.ts";
import type { DbProfileEvidence } from "../profiles/db/evidence.ts";
import type { ScalingEvidence } from "../profiles/full/evidence.ts";
import type { IngestEvidence } from "../profiles/ingest/evidence.ts";
import type { JobsEvidence } from "../profiles/jobs/evidence.ts";
import type { LoadEvidence } from "../profiles/load/evidence.ts";
import type { SoakEvidence } from "../profiles/memory/evidence.ts";
import type { StreamsEvidence } from "../profiles/streams/evidence.ts";
import type { UploadsEvidence } from "../profiles/uploads/evidence.ts";

/**
 * The evidence a run's judge computed its verdict from, by profile: what is persisted
 * with the run when it ends and exported, so `scaleproof judge` can re-compute the
 * verdict from the file alone (DESIGN section 9). Every profile has one; the full
 * profile carries its parts'.
 */
export type PartEvidence =
  | { readonly profile: "cache"; readonly cache: CacheEvidence }
  | { readonly profile: "jobs"; readonly jobs: JobsEvidence }
  | { readonly profile: "memory"; readonly memory: SoakEvidence }
  | { readonly profile: "load"; readonly load: LoadEvidence }
  | { readonly profile: "db"; readonly db: DbProfileEvidence }
  | { readonly profile: "ingest"; readonly ingest: IngestEvidence }
  | { readonly profile: "uploads"; readonly uploads: UploadsEvidence }
  | { readonly profile: "streams"; readonly streams: StreamsEvidence };

export type ProfileEvidence =
  | PartEvidence
  | {
      readonly profile: "full";
      readonly parts: readonly PartEvidence[];
      readonly scaling: ScalingEvidence | null;
    };

/**
 * What every run judges around its profile (registry's `withPreflight`): the preflight's
 * readings before any traffic, and the cluster's pool-exhaustion count before and after.
 */
export interface PreflightRecord {
  readonly evidence: PreflightEvidence;
  readonly exhaustion: { readonly before: number | null; readonly after: number | null };
}

/** A run's evidence: its profile's, and (once the run went through it) the preflight's. */
export type RunEvidence = ProfileEvidence & { readonly preflight?: PreflightRecord };
