import { check } from "../../check.ts";
import type { Check } from "../../schema.ts";
import type { LevelEvidence, ScaleOutInEvidence } from "./evidence.ts";

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

/**
 * Every job the run had enqueued when the scaled level ended finished exactly once within
 * the bounded wait, and so did, by id, every held job and every enqueue the runner got
 * acknowledged during the scaled level. Without the acknowledged ids (an older export, or
 * a runner that cannot record them) a job the queue acknowledged and then dropped would
 * go unseen: not proven, FAIL.
 */
export const jobsLostCheck = (ev: ScaleOutInEvidence, sustained?: LevelEvidence): Check => {
  const s = ev.settle;
  const lost = s?.lost.length ?? null;
  const acked = s?.acked ?? null;
  // a fresh enqueue answers 202 with its id (bars answer 200): fewer ids recorded than
  // 202s means some acknowledgements went unrecorded (a level-name mismatch, a reply the
  // engine could not read), so a dropped job could hide among them
  const accepted = sustained?.measure?.statuses["202"] ?? 0;
  // an export from before the ids were recorded (no `acked` at all) is judged as it was
  const unproven = s !== undefined && s.acked !== undefined && (acked === null || acked < accepted);
  return check(
    STEP,
    "load.scale_out_in.jobs_lost",
    "0 jobs lost: every held job and every enqueue acknowledged during the scaled level (and every job of the run so far) finished exactly once",
    unproven ? "not proven" : (lost ?? "not measured"),
    () => s !== undefined && !unproven && s.jobs > 0 && lost === 0,
    s === undefined
      ? "not measured: no job evidence in this export"
      : unproven
        ? `not proven: ${acked === null ? "the enqueues acknowledged during the scaled level were not recorded" : `${acked} job ids recorded for ${accepted} enqueues answered 202 during the scaled level`}, so a job the queue acknowledged and dropped would go unseen (${s.jobs} jobs of the run, ${lost} unfinished)`
        : s.jobs === 0 && lost === 0
          ? "not exercised: the run had no jobs"
          : `${s.jobs} jobs (${acked} acknowledged during the scaled level, ${ev.hold?.jobs.length ?? 0} held), waited ${s.waitedMs} ms for them to end${lost ? `; lost (not found, or not completed exactly once): ${s.lost.slice(0, 10).join(", ")}` : ""}`,
  );
};

/**
 * The sustained level's new keys cost one provider fetch each, by the instances' events
 * and by a second, independent count: the upstream's own (replay) and the run's Redis
 * counter, each compared when it can be read. A real provider cannot be asked, so there
 * the Redis counter must agree; with neither readable the events alone prove nothing:
 * not proven, FAIL.
 */
export const fetchesCheck = (ev: ScaleOutInEvidence): Check => {
  const f = ev.fetches;
  const redis = f?.redis ?? null;
  // an export from before the Redis count was kept (no `redis` at all) is judged as it was
  const unproven =
    f !== undefined && f.keys > 0 && f.upstream === null && f.redis !== undefined && redis === null;
  return check(
    STEP,
    "load.scale_out_in.provider_fetches",
    `= ${f?.keys ?? "?"} (one provider fetch per distinct new key; events = Redis counter = upstream, where each can be read)`,
    unproven ? "not proven" : f ? f.persisted : "not measured",
    () =>
      f !== undefined &&
      !unproven &&
      f.keys > 0 &&
      f.off.length === 0 &&
      f.persisted === f.keys &&
      (f.upstream === null || f.upstream === f.keys) &&
      (redis === null || redis === f.persisted),
    f === undefined
      ? "not measured: no fetch evidence in this export"
      : f.keys === 0
        ? "not exercised: the sustained level asked for no new key"
        : [
            `${unproven ? "not proven: neither the upstream nor the Redis counter could be read, and the events cannot vouch for themselves; " : ""}${f.keys} keys: redis ${redis ?? "not read"}, events ${f.persisted}, upstream ${f.upstream ?? "not observable"}${f.waitedMs === undefined ? "" : ` (events waited for ${f.waitedMs} ms)`}`,
            ...f.off.map((k) => `${k.key}: events ${k.persisted}, upstream ${k.upstream ?? "?"}`),
          ].join("; "),
  );
};

/** Arrivals the added instance's time in rotation must be worth before "served 0" says anything. */
export const MIN_SERVING_ARRIVALS = 20;
/** ... and at least this long (ms). */
export const MIN_SERVING_MS = 2_000;

/**
 * How long the added instance must have been in rotation during the scaled level for a
 * count of 0 answers to mean the balancer never took it in: long enough for
 * MIN_SERVING_ARRIVALS arrivals at the level's rate (with three instances in rotation,
 * ~7 of them its share).
 */
export const minServingMs = (rate: number) =>
  Math.max(MIN_SERVING_MS, Math.ceil((MIN_SERVING_ARRIVALS * 1000) / Math.max(rate, 0.001)));

/**
 * The added instance answered part of the sustained level. Under load the platform can
 * take longer to bring it in (~28 s seen on a busy 2-core machine) than a quick sustained
 * level lasts (20 s): it then joins after the level's arrivals ended and serves none.
 * That says nothing about the balancer, so a count of 0 from an instance in rotation for
 * less than `minServingMs` of the level is "not proven" (FAIL), not "never taken in".
 *
 * Why not stretch the level until it has served: the sustained level's length is its
 * plan (level.ts, plan.ts) and its gates (p95, achieved/offered) are judged over it; a
 * length that depends on the platform's join time, or load sent into its cooldown, would
 * move the recovery level's baseline and make two runs' sustained levels incomparable.
 * A run that needs the join proven on a slow platform asks for a longer sustained level.
 */
export const servedCheck = (
  ev: ScaleOutInEvidence,
  sustained: LevelEvidence | undefined,
): Check => {
  const m = sustained?.measure;
  const served = ev.added ? (m?.byInstance[ev.added]?.answered ?? 0) : 0;
  const levelEnd = m ? m.startedAt + m.elapsedMs : null;
  const left =
    levelEnd === null || ev.addedAt === null
      ? null
      : Math.min(levelEnd, ev.stoppedAt ?? levelEnd) - ev.addedAt;
  const needMs = minServingMs(sustained?.level.rate ?? m?.offeredRate ?? 0);
  const unproven = ev.added !== null && served === 0 && left !== null && left < needMs;
  return check(
    STEP,
    "load.scale_out.served",
    "> 0 requests answered by the added instance",
    unproven ? "not proven" : served,
    () => !unproven && served > 0,
    !ev.added || !m
      ? ev.added
        ? `${ev.added} added, but no sustained level was measured`
        : "nothing added"
      : unproven
        ? `not proven: ${ev.added} was in rotation ${Math.max(0, left ?? 0)} ms before the level's arrivals ended (it joined ${ev.addedAt === null ? "?" : ev.addedAt - m.startedAt} ms into a ${m.elapsedMs} ms level); ${needMs} ms at ${m.offeredRate} req/s needed before 0 answers mean anything: ask for a longer sustained level`
        : `by ${ev.added}, of ${m.counts.answered} answered${left === null ? "" : ` (in rotation ${Math.max(0, left)} ms of the level)`}`,
  );
};
