import { check } from "../../check.ts";
import type { Check, Metrics } from "../../schema.ts";
import type { LevelEvidence, ScaleOutInEvidence } from "./evidence.ts";
import {
  fetchesCheck,
  handBack,
  jobsLostCheck,
  leasesCheck,
  servedCheck,
} from "./scaleOutInChecks.ts";

/** Failed requests the sustained level may have while an instance joins and leaves (seed: none). */
export const SCALE_FAILED_BUDGET = 0;

/** Sentences next to the numbers: why scaling was not measured, or what the platform refused. */
type Notes = Readonly<Record<string, string>>;
export const SCALE_NOTE = "load.scale_out_in";
const NOT_MEASURED = "not measured: this runner cannot change the instance count";

/**
 * Scale-out and scale-in under load, from the evidence: the added instance served part
 * of the sustained level; no request of that level failed beyond the budget (the stop
 * drained); the stopped instance held a job lease and handed it back (none left to
 * expire); every job of the run finished exactly once (none lost, none twice); the
 * level's new keys cost one provider fetch each.
 */
export const judgeScaleOutIn = (
  ev: ScaleOutInEvidence | null,
  sustained: LevelEvidence | undefined,
): { checks: Check[]; metrics: Metrics; notes: Notes } => {
  if (ev === null) return { checks: [], metrics: {}, notes: { [SCALE_NOTE]: NOT_MEASURED } };
  const m = sustained?.measure;
  const served = ev.added ? (m?.byInstance[ev.added]?.answered ?? 0) : 0;
  const failed = m ? m.counts.failed + m.counts.timedOut + m.counts.shed + m.counts.inFlight : null;
  const checks = [
    check(
      "sustained",
      "load.scale_out_in.done",
      "the platform added an instance during the sustained level, then drained and stopped it",
      ev.error ?? `${ev.added} added, then stopped`,
      () => ev.error === null && ev.added !== null && ev.stopped !== null,
    ),
    servedCheck(ev, sustained),
    check(
      "sustained",
      "load.scale_in.failed_requests",
      `<= ${SCALE_FAILED_BUDGET} failed, shed, timed out or unanswered while scaling`,
      failed,
      () => failed !== null && failed <= SCALE_FAILED_BUDGET,
      m ? `of ${m.counts.sent} sent in the sustained level` : "no sustained level",
    ),
    leasesCheck(ev),
    check(
      "sustained",
      "load.scale_out_in.jobs_once",
      "0 jobs finished twice, 0 attempts overlapping",
      ev.duplicates + ev.overlaps,
      () => ev.duplicates === 0 && ev.overlaps === 0,
      `${ev.duplicates} duplicates, ${ev.overlaps} overlaps over the run's jobs`,
    ),
    jobsLostCheck(ev, sustained),
    fetchesCheck(ev),
  ];
  const f = ev.fetches;
  return {
    checks,
    metrics: {
      "load.scale_out.served_count": served,
      ...(failed === null ? {} : { "load.scale_in.failed_count": failed }),
      "load.scale_in.leases_handed_back_count": handBack(ev).released,
      ...(ev.settle ? { "load.scale_out_in.jobs_lost_count": ev.settle.lost.length } : {}),
      ...(f
        ? {
            "load.scale_out_in.distinct_keys_count": f.keys,
            "load.scale_out_in.provider_fetches_count": f.persisted,
            ...(f.upstream === null
              ? {}
              : { "load.scale_out_in.upstream_fetches_count": f.upstream }),
            ...(f.redis === null || f.redis === undefined
              ? {}
              : { "load.scale_out_in.redis_fetches_count": f.redis }),
          }
        : {}),
    },
    notes: ev.error ? { [SCALE_NOTE]: ev.error } : {},
  };
};
