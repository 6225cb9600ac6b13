import { responsesOf } from "../../answers.ts";
import { check, type ProfileResult } from "../../check.ts";
import { measured } from "../../metrics/split.ts";
import type { Check } from "../../schema.ts";
import type { TakeoverEvidence } from "./evidence.ts";
import { describeReleases, releasedBy, singleFill } from "./overlap.ts";

/** Fetches the run's counter saw during the step, and those the persisted events hold. */
const fetchesOf = (t: TakeoverEvidence) => ({
  redis: t.after.provider_fetch - t.before.provider_fetch,
  persisted: t.timeline.filter((x) => x.providerFetch),
});

/**
 * Did the holder die mid-fetch, holding the lease? The fault was armed, the victim came
 * back with a new boot id, and exactly one fetch was counted (the counter is bumped
 * before the provider call) that never persisted its event: it died with its instance.
 * Otherwise, why it is not proven.
 */
export const holderDeath = (t: TakeoverEvidence): true | string => {
  if (t.notRun !== null) return t.notRun;
  if (t.restartedBoot === null) return `${t.victim} was not seen back with a new boot id`;
  const f = fetchesOf(t);
  const died = f.redis - f.persisted.length;
  return died === 1
    ? true
    : `${died} fetches died with their holder (redis ${f.redis}, events ${f.persisted.length})`;
};

/**
 * Takeover: the holder died mid-fetch; exactly one waiter took its lease over and fetched
 * (the only fetch persisted), every waiter was answered, and the counter, the events
 * (plus the one that died) and the upstream agree. "not proven" when the holder did not
 * die (the fault could not be armed, or hit nobody).
 */
export const judgeTakeover = (t: TakeoverEvidence | null): ProfileResult => {
  if (t === null)
    return { checks: [], metrics: {}, notes: { takeover: "not run: the run asked for no crash" } };
  const died = holderDeath(t);
  const proven = died === true;
  const notProven = proven ? "" : `not proven: ${died}`;
  const f = fetchesOf(t);
  const takeovers = f.persisted.filter((x) => x.takeover);
  const ok = responsesOf(t.waiters).filter((r) => r.status === 200).length;
  const fill = singleFill(t.timeline);
  const released = typeof fill === "string" ? [] : releasedBy(t.timeline, fill);
  const victimAnswer = t.victimAnswer ? responsesOf([t.victimAnswer])[0] : undefined;
  const checks: Check[] = [
    check(
      "takeover",
      "takeover.holder_died",
      `the lease holder (${t.victim ?? "an instance but the runner's"}) died mid-fetch and came back`,
      proven
        ? `${t.victim} boot ${t.victimBoot?.slice(0, 8)} -> ${t.restartedBoot?.slice(0, 8)}`
        : notProven,
      () => proven,
      t.victimAnswer === null
        ? undefined
        : `its request: ${victimAnswer ? `${victimAnswer.status} from ${victimAnswer.instanceId}` : "unanswered"}`,
    ),
    check(
      "takeover",
      "takeover.one_takeover_fetch",
      "= 1 (a waiter took the lease over and fetched)",
      proven ? f.persisted.length : "not proven",
      (a) => proven && a === 1 && takeovers.length === 1,
      `${takeovers.length} takeover(s)${takeovers[0] ? ` by ${takeovers[0].instanceId}` : ""}; ${describeReleases(t.timeline)}`,
    ),
    check(
      "takeover",
      "takeover.waiters_answered",
      `${t.waiters.length} of ${t.waiters.length} answered 200`,
      proven ? ok : "not proven",
      (a) => proven && t.waiters.length > 0 && a === t.waiters.length,
      `${released.length} released by the takeover's fill`,
    ),
    check(
      "takeover",
      "takeover.evidence_agrees",
      "redis = events + 1 died = upstream",
      `redis ${f.redis}, events ${f.persisted.length} + 1 died, upstream ${t.upstream ?? "not observable"}`,
      () =>
        proven &&
        f.redis === f.persisted.length + 1 &&
        (t.upstream === null || t.upstream === f.redis),
    ),
  ];
  return {
    checks,
    metrics: measured({
      "takeover.fetches_count": f.redis,
      "takeover.upstream_count": t.upstream,
    }),
    notes: {
      takeover: proven ? "holder died mid-fetch" : notProven,
      ...(t.victim === null ? {} : { "takeover.victim": t.victim }),
    },
  };
};
