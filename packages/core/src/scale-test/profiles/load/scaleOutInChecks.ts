import { check } from "../../check.ts";
import type { Check } from "../../schema.ts";
import type { ScaleOutInEvidence } from "./evidence.ts";

const STEP = "sustained";

/** The stopped instance's attempts: handed back at the stop, or left to die by lease expiry. */
export const handBack = (ev: ScaleOutInEvidence) => ({
  released: ev.stoppedAttempts.filter((a) => a.outcome === "released").length,
  died: ev.stoppedAttempts.filter(
    (a) => a.outcome === "died (lease expired)" || a.outcome === "running",
  ),
});

/**
 * The stop handed its leases back: the added instance held at least one job lease when
 * the stop was sent (else the hand-back was not exercised: FAIL), at least one attempt on
 * it ended `released`, and none was left to expire.
 */
export const leasesCheck = (ev: ScaleOutInEvidence): Check => {
  const { released, died } = handBack(ev);
  const held = ev.hold?.activeAtStop ?? 0;
  const why =
    ev.stopped === null
      ? "not exercised: no instance was stopped"
      : held < 1
        ? `not exercised: ${ev.stopped} held no job lease when the stop was sent${ev.hold ? ` (waited ${ev.hold.waitedMs} ms; ${ev.hold.jobs.length} held jobs enqueued${ev.hold.slowed ? "" : ", the upstream could not be slowed"})` : ""}`
        : released < 1 && died.length === 0
          ? `not exercised: ${ev.stopped} held ${held} job lease(s), but they ended before the stop reached them`
          : null;
  return check(
    STEP,
    "load.scale_in.leases_handed_back",
    ">= 1 job lease handed back at the stop, 0 left to expire",
    released,
    () => why === null && released >= 1 && died.length === 0,
    [
      why,
      `${ev.stoppedAttempts.length} attempts on ${ev.stopped ?? "no stopped instance"}: ${released} released at the stop`,
      died.length
        ? `left to expire: ${died.map((a) => `${a.jobId}#${a.attempt}`).join(", ")}`
        : null,
    ]
      .filter((x) => x !== null)
      .join("; "),
  );
};

/** Every job the run had enqueued when the scaled level ended finished exactly once within the bounded wait. */
export const jobsLostCheck = (ev: ScaleOutInEvidence): Check => {
  const s = ev.settle;
  const lost = s?.lost.length ?? null;
  return check(
    STEP,
    "load.scale_out_in.jobs_lost",
    "0 jobs lost: every accepted enqueue of the run so far finished exactly once",
    lost ?? "not measured",
    () => s !== undefined && s.jobs > 0 && lost === 0,
    s === undefined
      ? "not measured: no job evidence in this export"
      : s.jobs === 0
        ? "not exercised: the run had no jobs"
        : `${s.jobs} jobs, waited ${s.waitedMs} ms for them to end${lost ? `; unfinished: ${s.lost.slice(0, 10).join(", ")}` : ""}`,
  );
};

/** The sustained level's new keys cost one provider fetch each, by the events and by the upstream's own count. */
export const fetchesCheck = (ev: ScaleOutInEvidence): Check => {
  const f = ev.fetches;
  return check(
    STEP,
    "load.scale_out_in.provider_fetches",
    `= ${f?.keys ?? "?"} (one provider fetch per distinct new key, events and upstream)`,
    f ? f.persisted : "not measured",
    () =>
      f !== undefined &&
      f.keys > 0 &&
      f.off.length === 0 &&
      f.persisted === f.keys &&
      (f.upstream === null || f.upstream === f.keys),
    f === undefined
      ? "not measured: no fetch evidence in this export"
      : f.keys === 0
        ? "not exercised: the sustained level asked for no new key"
        : [
            `${f.keys} keys: events ${f.persisted}, upstream ${f.upstream ?? "not observable"}`,
            ...f.off.map((k) => `${k.key}: events ${k.persisted}, upstream ${k.upstream ?? "?"}`),
          ].join("; "),
  );
};
