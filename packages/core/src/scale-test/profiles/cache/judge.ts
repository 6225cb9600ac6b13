import { responsesOf, sampleFailures } from "../../answers.ts";
import { atLeast, check, combine, equals, type ProfileResult } from "../../check.ts";
import type { Check } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import {
  answersOf,
  type CacheEvidence,
  instancesWithHit,
  type StampedeEvidence,
} from "./evidence.ts";

export const HIT_ROUNDS = 5;
export const MIN_HIT_RATE = 0.9;

const rounded = (n: number | null) => (n === null ? null : round(n));
/** Redis counter, persisted events and the upstream's own count (when it can tell) must be one number. */
const agreement = (
  step: string,
  name: string,
  redis: number,
  persisted: number,
  upstream: number | null,
): Check =>
  check(
    step,
    name,
    "redis = events = upstream",
    `redis ${redis}, events ${persisted}, upstream ${upstream ?? "not observable"}`,
    () => redis === persisted && (upstream === null || upstream === redis),
  );

/** Setup and warm-up: the first request is a MISS that stores the exact bytes it served. */
export const judgeWarmup = (
  ev: Pick<CacheEvidence, "range" | "faultsActive" | "warm" | "storedBytes">,
): ProfileResult => ({
  checks: [
    check(
      "warmup",
      "warmup.miss",
      "MISS",
      ev.warm.cache ?? `HTTP ${ev.warm.status}`,
      equals("MISS"),
    ),
    check(
      "warmup",
      "warmup.set",
      `${ev.warm.bytes} bytes stored`,
      ev.storedBytes,
      equals(ev.warm.bytes),
    ),
  ],
  metrics: {
    faults_active: ev.faultsActive.join(",") || null,
    "range.start": ev.range.start,
    "range.end": ev.range.end,
  },
});

/** The same key five times on the warm-up's instance: every one a HIT. */
export const judgeHit = (ev: Pick<CacheEvidence, "requests" | "pin">): ProfileResult => {
  const hits = responsesOf(answersOf(ev.requests.filter((r) => r.step === "hit")));
  const onPinned = hits.filter((r) => r.instanceId === ev.pin).length;
  return {
    checks: [
      check(
        "hit",
        "hit.same_key_all_hit",
        `${HIT_ROUNDS} of ${HIT_ROUNDS} HIT`,
        hits.filter((r) => r.cache === "HIT").length,
        equals(HIT_ROUNDS),
        `${onPinned} of ${HIT_ROUNDS} served by ${ev.pin ?? "?"} (the warm-up instance)`,
      ),
    ],
    metrics: {},
  };
};

/** N concurrent requests for a new key: one provider fetch, everyone else released by the fill. */
export const judgeStampede = (s: StampedeEvidence): ProfileResult => {
  const fetches = s.after.provider_fetch - s.before.provider_fetch;
  const rs = responsesOf(s.burst);
  const outcome = (o: string) => rs.filter((r) => r.cache === o).length;
  const ok = rs.filter((r) => r.status === 200);
  const released = ok.filter((r) => r.cache !== "MISS").length;
  return {
    checks: [
      check(
        "stampede",
        "stampede.provider_fetch",
        "= 1",
        fetches,
        equals(1),
        "Redis counter delta",
      ),
      check(
        "stampede",
        "stampede.released_after_fill",
        `= ${s.n - 1} (WAIT or HIT)`,
        released,
        equals(s.n - 1),
        `${outcome("WAIT")} WAIT, ${outcome("HIT")} HIT, ${outcome("MISS")} MISS, ${s.n - ok.length} errors`,
      ),
      agreement("stampede", "stampede.evidence_agrees", fetches, s.persistedFetches, s.upstream),
    ],
    metrics: {
      "stampede.provider_fetch": fetches,
      "stampede.released": released,
      "stampede.lock_waits": s.after.lock_waits - s.before.lock_waits,
      "stampede.upstream_count": s.upstream,
      "stampede.persisted_fetches": s.persistedFetches,
    },
  };
};

/** The whole run: hit rate after warm-up, two instances sharing one key, evidence agreeing, no failures. */
export const judgeRun = (ev: CacheEvidence): ProfileResult => {
  const { countersAfterWarmup: w, countersAtEnd: end } = ev;
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
        `>= ${MIN_HIT_RATE}`,
        hitRate,
        atLeast(MIN_HIT_RATE),
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
      check(
        "verdict",
        "requests.all_ok",
        "0 failed",
        failed.length,
        equals(0),
        sampleFailures(failed),
      ),
    ],
    metrics: {
      hit_rate_after_warmup: hitRate,
      "hit_rate_after_warmup.observed": observed,
      instances_seen: instances.length,
      provider_fetch: end.provider_fetch,
      requests: all.length,
      "requests.failed": failed.length,
      "latency.p50_ms": rounded(percentile(latencies, 50)),
      "latency.p95_ms": rounded(percentile(latencies, 95)),
      "latency.p99_ms": rounded(percentile(latencies, 99)),
    },
  };
};

/** Seed PROFILE 1's verdict from the evidence alone: the same checks, in the order the run reports them. */
export const judgeCache = (ev: CacheEvidence): ProfileResult =>
  combine(judgeWarmup(ev), judgeHit(ev), judgeStampede(ev.stampede), judgeRun(ev));
