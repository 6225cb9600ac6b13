import { responsesOf } from "../../answers.ts";
import { check, equals, type ProfileResult } from "../../check.ts";
import { measured } from "../../metrics/split.ts";
import type { RedisRestartEvidence } from "./evidence.ts";

const STEP = "redis-restart";

/** Instances that crashed across the restart: not back, or answering with another boot id. */
export const crashedAcross = (r: RedisRestartEvidence): string[] => {
  const answers = responsesOf(r.burst);
  return r.bootsBefore
    .filter(({ instanceId, bootId }) => {
      const mine = answers.filter((a) => a.instanceId === instanceId);
      return (
        r.notBack.includes(instanceId) || mine.length === 0 || mine.some((a) => a.bootId !== bootId)
      );
    })
    .map((b) => b.instanceId)
    .sort();
};

/**
 * Redis restarted mid-run: no instance crashed (same boot ids as before, all back), the
 * stampede on new keys once it returned was answered, and cost one provider fetch per key
 * (persisted events and the upstream's own count: the run's Redis counters are gone).
 * Not restartable: "not measured", and no check.
 */
export const judgeRedisRestart = (r: RedisRestartEvidence | undefined): ProfileResult => {
  if (r === undefined) return { checks: [], metrics: {} };
  if (r.notRun !== null) {
    return { checks: [], metrics: {}, notes: { redis_restart: `not measured: ${r.notRun}` } };
  }
  const crashed = crashedAcross(r);
  const ok = responsesOf(r.burst).filter((a) => a.status === 200).length;
  const keys = r.keys.length;
  return {
    checks: [
      check(
        STEP,
        "redis_restart.no_crash",
        "0 instances restarted or missing",
        crashed.length,
        equals(0),
        crashed.length
          ? `${crashed.join(", ")} not back with the boot id it had before`
          : `${r.bootsBefore.map((b) => b.instanceId).join(", ")} kept their boot ids`,
      ),
      check(
        STEP,
        "redis_restart.answered",
        `${r.burst.length} of ${r.burst.length} answered 200`,
        ok,
        equals(r.burst.length),
      ),
      check(
        STEP,
        "redis_restart.provider_fetch",
        `= ${keys} (distinct new keys), events = upstream`,
        `events ${r.persistedFetches}, upstream ${r.upstream ?? "not observable"}`,
        () => r.persistedFetches === keys && (r.upstream === null || r.upstream === keys),
      ),
    ],
    metrics: measured({
      "redis_restart.down_ms": r.window ? r.window.upAt - r.window.downAt : null,
      "redis_restart.keys_count": keys,
      "redis_restart.provider_fetch_count": r.persistedFetches,
      "redis_restart.upstream_count": r.upstream,
    }),
  };
};
