import { responsesOf, sampleFailures } from "../../answers.ts";
import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import type { RunCounters } from "../../data.ts";
import { measured } from "../../metrics/split.ts";
import type { Check } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import { allHold, describeInForce, inForce, type ThresholdsSet } from "../../thresholds/resolve.ts";
import { agreement } from "./agreement.ts";
import { answersOf, type CacheEvidence, instancesWithHit } from "./evidence.ts";
import { holderDeath } from "./takeoverJudge.ts";

const rounded = (n: number | null) => (n === null ? null : round(n));
const minus = (a: RunCounters, b: RunCounters): RunCounters => ({
  cache_hit: a.cache_hit - b.cache_hit,
  cache_miss: a.cache_miss - b.cache_miss,
  provider_fetch: a.provider_fetch - b.provider_fetch,
  lock_waits: a.lock_waits - b.lock_waits,
});
const ZERO: RunCounters = { cache_hit: 0, cache_miss: 0, provider_fetch: 0, lock_waits: 0 };

/**
 * Over the whole run, every key was fetched once: the run's counter (and the upstream's
 * own count, when it can tell) = distinct keys asked for, plus the one fetch that died
 * with its holder in the takeover step.
 */
const fetchesPerKey = (ev: CacheEvidence): Check => {
  const t = ev.takeover?.notRun === null ? ev.takeover : null;
  const keys = new Set(ev.requests.map((r) => r.key)).size + (t ? 1 : 0);
  const died = t && holderDeath(t) === true ? 1 : 0;
  const upstream =
    ev.upstreamTotal === null || (t && t.upstream === null)
      ? null
      : ev.upstreamTotal + (t?.upstream ?? 0);
  const redis = ev.countersAtEnd.provider_fetch;
  return check(
    "verdict",
    "run.one_fetch_per_key",
    `= ${keys} keys${died ? " + 1 fetch that died with its holder" : ""}`,
    `redis ${redis}, upstream ${upstream ?? "not observable"}`,
    () => redis === keys + died && (upstream === null || upstream === redis),
  );
};

/**
 * The whole run: hit rate after warm-up, two instances sharing one key, evidence agreeing,
 * one fetch per key, no failures. The takeover step's own traffic (a new key and a
 * crash) is taken out of the hit rate and the agreement; its step judges it.
 */
export const judgeRun = (ev: CacheEvidence, thresholds?: ThresholdsSet): ProfileResult => {
  const hitGate = inForce(thresholds, "cache.hit_rate");
  const w = ev.countersAfterWarmup;
  const t = ev.takeover;
  const end = minus(ev.countersAtEnd, t ? minus(t.after, t.before) : ZERO);
  const hits = end.cache_hit - w.cache_hit;
  const misses = end.cache_miss - w.cache_miss;
  const hitRate = hits + misses === 0 ? null : round(hits / (hits + misses), 4);
  const afterWarm = answersOf(ev.requests.slice(1));
  const served = responsesOf(afterWarm).filter((r) => r.cache === "HIT" || r.cache === "WAIT");
  const observed = afterWarm.length === 0 ? null : round(served.length / afterWarm.length, 4);
  const all = answersOf(ev.requests);
  const responses = responsesOf(all);
  const instances = [...new Set(responses.flatMap((r) => (r.instanceId ? [r.instanceId] : [])))];
  const hitA = instancesWithHit(ev.requests, "A");
  const hitB = instancesWithHit(ev.requests, "B");
  const failed = all.filter((a) => a._tag === "Unreachable" || a.response.status !== 200);
  const latencies = responses.map((r) => r.durationMs);
  const expected = ev.expectedInstances;
  return {
    checks: [
      check(
        "verdict",
        "cache.hit_rate_after_warmup",
        describeInForce(hitGate),
        hitRate,
        () => allHold(hitGate, () => hitRate),
        `Redis counters: ${hits} hits, ${misses} misses; responses say ${observed}`,
      ),
      check(
        "cross-instance",
        "cross.instances_seen",
        `>= 2${expected ? ` (cluster has ${expected})` : ""}`,
        instances.length,
        atLeast(2),
        instances.join(", "),
      ),
      check(
        "cross-instance",
        "cross.instances_hitting_one_key",
        ">= 2",
        Math.max(hitA, hitB),
        atLeast(2),
        `key A hit on ${hitA} instances, key B on ${hitB}`,
      ),
      agreement(
        "verdict",
        "run.evidence_agrees",
        end.provider_fetch,
        ev.persistedFetches,
        ev.upstreamTotal,
      ),
      fetchesPerKey(ev),
      check(
        "verdict",
        "requests.all_ok",
        "0 failed",
        failed.length,
        equals(0),
        sampleFailures(failed),
      ),
    ],
    metrics: measured({
      hit_rate_after_warmup_ratio: hitRate,
      "hit_rate_after_warmup.observed_ratio": observed,
      instances_seen_count: instances.length,
      provider_fetch_count: ev.countersAtEnd.provider_fetch,
      requests_count: all.length,
      "requests.failed_count": failed.length,
      "latency.p50_ms": rounded(percentile(latencies, 50)),
      "latency.p95_ms": rounded(percentile(latencies, 95)),
      "latency.p99_ms": rounded(percentile(latencies, 99)),
    }),
  };
};
