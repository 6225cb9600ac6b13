import { responsesOf, sampleFailures } from "../../answers.ts";
import { atLeast, check, combine, equals, type ProfileResult } from "../../check.ts";
import type { RunCounters } from "../../data.ts";
import type { Check } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import {
  answersOf,
  type CacheEvidence,
  instancesWithHit,
  type StampedeEvidence,
} from "./evidence.ts";
import { describeReleases, releasedBy, singleFill, singleFlightOf } from "./overlap.ts";
import { holderDeath, judgeTakeover } from "./takeoverJudge.ts";

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

/**
 * The overlap the stampede must show before its one fetch proves anything: on >= 2
 * instances, requests that started before the fill (the fetcher's own clock, taken as it
 * sent the fill) and were released by it (its wake-up, a re-check, or their instance's
 * single-flight behind such a request). The fetcher's own instance counts.
 */
const overlapCheck = (s: StampedeEvidence): { check: Check; instances: number | null } => {
  const fill = singleFill(s.timeline);
  const upstream =
    s.upstreamKind === "replay"
      ? `replay upstream, fetch slowed to ${s.slowedMs ?? "?"} ms`
      : "a real provider (not slowed)";
  if (typeof fill === "string") {
    const c = check(
      "stampede",
      "stampede.overlap",
      ">= 2 instances with requests in flight at the fill, released by it",
      `not proven: ${fill}`,
      () => false,
      `${describeReleases(s.timeline)}; ${upstream}`,
    );
    return { check: c, instances: null };
  }
  const released = releasedBy(s.timeline, fill);
  const instances = [...new Set([fill.instanceId, ...released.map((t) => t.instanceId)])].sort();
  const first = Math.min(...s.timeline.map((t) => t.startedAt));
  const c = check(
    "stampede",
    "stampede.overlap",
    ">= 2 instances with requests in flight at the fill, released by it",
    instances.length >= 2
      ? instances.length
      : `not proven: only ${instances.join(", ")} had requests in flight at the fill`,
    atLeast(2),
    `fill by ${fill.instanceId} ${fill.filledAt - first} ms after the first request; released by it: ${describeReleases(released) || "none"}; ${upstream}`,
  );
  return { check: c, instances: instances.length };
};

/** Each instance sent one request to Redis while its other concurrent ones shared it. */
const singleFlightCheck = (s: StampedeEvidence): Check => {
  const { concurrent, leaking } = singleFlightOf(s.timeline);
  return check(
    "stampede",
    "stampede.single_flight",
    "0 instances with two requests at once in Redis",
    concurrent.length === 0
      ? "not proven: no instance had two requests in flight at once"
      : leaking.length,
    equals(0),
    leaking.length
      ? `${leaking.join(", ")} sent concurrent requests to Redis: ${describeReleases(s.timeline)}`
      : `coalesced on ${concurrent.join(", ")}`,
  );
};

/**
 * N concurrent requests for a new key: one provider fetch, everyone else released by the
 * fill, and the overlap that makes this mean something (requests on >= 2 instances in
 * flight at the fill; each instance coalescing its own).
 */
export const judgeStampede = (s: StampedeEvidence): ProfileResult => {
  const fetches = s.after.provider_fetch - s.before.provider_fetch;
  const rs = responsesOf(s.burst);
  const outcome = (o: string) => rs.filter((r) => r.cache === o).length;
  const ok = rs.filter((r) => r.status === 200);
  const released = ok.filter((r) => r.cache !== "MISS").length;
  const overlap = overlapCheck(s);
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
      overlap.check,
      singleFlightCheck(s),
      agreement("stampede", "stampede.evidence_agrees", fetches, s.persistedFetches, s.upstream),
    ],
    metrics: {
      "stampede.provider_fetch": fetches,
      "stampede.released": released,
      "stampede.overlap_instances": overlap.instances,
      "stampede.lock_waits": s.after.lock_waits - s.before.lock_waits,
      "stampede.upstream_count": s.upstream,
      "stampede.persisted_fetches": s.persistedFetches,
      "stampede.upstream": s.upstreamKind,
      "stampede.slowed_ms": s.slowedMs,
    },
  };
};

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
export const judgeRun = (ev: CacheEvidence): ProfileResult => {
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
    metrics: {
      hit_rate_after_warmup: hitRate,
      "hit_rate_after_warmup.observed": observed,
      instances_seen: instances.length,
      provider_fetch: ev.countersAtEnd.provider_fetch,
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
  combine(
    judgeWarmup(ev),
    judgeHit(ev),
    judgeStampede(ev.stampede),
    judgeTakeover(ev.takeover),
    judgeRun(ev),
  );
