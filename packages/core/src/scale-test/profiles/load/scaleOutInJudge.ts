import { check } from "../../check.ts";
import type { Check, Metrics } from "../../schema.ts";
import type { LevelEvidence } from "./evidence.ts";
import type { ScaleOutInEvidence } from "./scaleOutIn.ts";

/** Failed requests the sustained level may have while an instance joins and leaves (seed: none). */
export const SCALE_FAILED_BUDGET = 0;

const NOT_MEASURED = "not measured: this runner cannot change the instance count";

/**
 * Scale-out and scale-in under load, from the evidence: the added instance served part
 * of the sustained level; no request of that level failed beyond the budget (the stop
 * drained); no attempt on the stopped instance was left to die by lease expiry (it
 * handed its leases back, or finished them); no job finished twice or ran twice at once.
 */
export const judgeScaleOutIn = (
  ev: ScaleOutInEvidence | null,
  sustained: LevelEvidence | undefined,
): { checks: Check[]; metrics: Metrics } => {
  if (ev === null) return { checks: [], metrics: { "load.scale_out_in": NOT_MEASURED } };
  const m = sustained?.measure;
  const served = ev.added ? (m?.byInstance[ev.added]?.answered ?? 0) : 0;
  const failed = m ? m.counts.failed + m.counts.timedOut + m.counts.shed + m.counts.inFlight : null;
  const died = ev.stoppedAttempts.filter(
    (a) => a.outcome === "died (lease expired)" || a.outcome === "running",
  );
  const released = ev.stoppedAttempts.filter((a) => a.outcome === "released").length;
  const steps = check(
    "sustained",
    "load.scale_out_in.done",
    "the platform added an instance during the sustained level, then drained and stopped it",
    ev.error ?? `${ev.added} added, then stopped`,
    () => ev.error === null && ev.added !== null && ev.stopped !== null,
  );
  const checks = [
    steps,
    check(
      "sustained",
      "load.scale_out.served",
      "> 0 requests answered by the added instance",
      served,
      () => served > 0,
      ev.added ? `by ${ev.added}, of ${m?.counts.answered ?? 0} answered` : "nothing added",
    ),
    check(
      "sustained",
      "load.scale_in.failed_requests",
      `<= ${SCALE_FAILED_BUDGET} failed, shed, timed out or unanswered while scaling`,
      failed,
      () => failed !== null && failed <= SCALE_FAILED_BUDGET,
      m ? `of ${m.counts.sent} sent in the sustained level` : "no sustained level",
    ),
    check(
      "sustained",
      "load.scale_in.leases_handed_back",
      "0 job attempts on the stopped instance left to expire",
      died.length,
      () => ev.stopped !== null && died.length === 0,
      `${ev.stoppedAttempts.length} attempts on ${ev.stopped ?? "no stopped instance"}: ${released} released at the stop${died.length ? `; left to expire: ${died.map((a) => `${a.jobId}#${a.attempt}`).join(", ")}` : ""}`,
    ),
    check(
      "sustained",
      "load.scale_out_in.jobs_once",
      "0 jobs finished twice, 0 attempts overlapping",
      ev.duplicates + ev.overlaps,
      () => ev.duplicates === 0 && ev.overlaps === 0,
      `${ev.duplicates} duplicates, ${ev.overlaps} overlaps over the run's jobs`,
    ),
  ];
  return {
    checks,
    metrics: {
      "load.scale_out_in": ev.error ?? "measured",
      "load.scale_out.requests_served": served,
      "load.scale_in.leases_released": released,
    },
  };
};
