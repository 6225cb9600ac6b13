import { combine, type ProfileResult, verdictOf } from "../check.ts";
import { judgeExhaustion, judgePreflight } from "../preflight/judge.ts";
import { judgeCache } from "../profiles/cache/judge.ts";
import { judgeDb } from "../profiles/db/judge.ts";
import { judgeFull } from "../profiles/full/judge.ts";
import { judgeIngest } from "../profiles/ingest/judge.ts";
import { judgeJobs } from "../profiles/jobs/judge.ts";
import { judgeLoad } from "../profiles/load/judge.ts";
import { judgeMemory } from "../profiles/memory/judge.ts";
import { judgeStreams } from "../profiles/streams/judge.ts";
import { judgeUploads } from "../profiles/uploads/judge.ts";
import type { Check, Verdict } from "../schema.ts";
import { annotateSet } from "../thresholds/annotate.ts";
import type { ThresholdsSet } from "../thresholds/resolve.ts";
import { type CheckAgreement, compareChecks } from "./agreement.ts";
import type { ProfileEvidence, RunEvidence } from "./evidence.ts";

/**
 * A profile's findings from its evidence alone, with the same pure judges the run used
 * and the k6 thresholds it set (its parameters' `thresholds`; seed defaults when none).
 */
export const judgeProfile = (e: ProfileEvidence, t?: ThresholdsSet): ProfileResult => {
  switch (e.profile) {
    case "cache":
      return judgeCache(e.cache, t);
    case "jobs":
      return judgeJobs(e.jobs);
    case "memory":
      return judgeMemory(e.memory, t);
    case "load": {
      const { checks, metrics } = judgeLoad(e.load);
      return { checks, metrics };
    }
    // their gates and bounds (k6 thresholds included) are in the evidence, as the run resolved them
    case "db":
      return judgeDb(e.db);
    case "ingest":
      return judgeIngest(e.ingest);
    case "uploads":
      return judgeUploads(e.uploads);
    case "streams":
      return judgeStreams(e.streams, t);
    case "full":
      return judgeFull(
        e.parts.map((p) => ({ name: p.profile, result: judgeProfile(p, t) })),
        e.scaling,
      );
  }
};

/**
 * The run's findings from its evidence alone, in the order the run reported them: the
 * preflight's, the profile's, then the pool-exhaustion count (registry's `withPreflight`).
 */
export const judgeEvidence = (e: RunEvidence, t?: ThresholdsSet): ProfileResult => {
  const r = e.preflight
    ? combine(
        judgePreflight(e.preflight.evidence).result,
        judgeProfile(e, t),
        judgeExhaustion(e.preflight.exhaustion.before, e.preflight.exhaustion.after),
      )
    : judgeProfile(e, t);
  return { ...r, checks: annotateSet(r.checks, t) };
};

export type { CheckAgreement };

export interface Rejudged {
  readonly storedVerdict: Verdict | null;
  readonly verdict: Verdict;
  readonly checks: readonly CheckAgreement[];
  /** The verdict and every check's substance (PASS/FAIL, zone, value) came out the same. */
  readonly agrees: boolean;
}

/** Re-judges a run from its evidence and compares, check by check, with what it stored. */
export const rejudge = (
  stored: { readonly verdict: Verdict | null; readonly checks: readonly Check[] },
  evidence: RunEvidence,
  thresholds?: ThresholdsSet,
): Rejudged => {
  const recomputed = judgeEvidence(evidence, thresholds).checks;
  const checks = compareChecks(stored.checks, recomputed);
  const verdict = verdictOf(recomputed);
  return {
    storedVerdict: stored.verdict,
    verdict,
    checks,
    agrees: verdict === stored.verdict && checks.every((c) => c.agrees),
  };
};
