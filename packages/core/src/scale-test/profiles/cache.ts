import { Clock, Effect } from "effect";
import { atLeast, check, equals, type ProfileResult } from "../check.ts";
import { ProfileSetupFailed } from "../errors.ts";
import { findings } from "../findings.ts";
import type { Profile } from "../profile.ts";
import type { Check, RunParams } from "../schema.ts";
import {
  type BarsRange,
  Evidence,
  Faults,
  Progress,
  Target,
  type TargetResponse,
} from "../services.ts";
import { percentile, round } from "../stats.ts";
import { lastTradingDays } from "../tradingDays.ts";

const STEPS = ["setup", "warmup", "hit", "stampede", "cross-instance", "sustain", "verdict"];
const HIT_ROUNDS = 5;
const MIN_HIT_RATE = 0.9;

/**
 * Seed PROFILE 1: the bars cache is shared by every instance and a stampede costs one
 * upstream fetch. Every figure is read back from the responses, the run's Redis
 * counters, the persisted events and (with the replay upstream) the upstream's own
 * count, and the three sources must agree.
 */
export const cacheProfile: Profile = {
  name: "cache",
  title: "Cache stampede and shared cache",
  defaultDurationMin: 10,
  steps: STEPS,
  run: (params) => runCache(params),
};

const runCache = Effect.fn("cacheProfile")(function* (params: RunParams) {
  const target = yield* Target;
  const evidence = yield* Evidence;
  const progress = yield* Progress;
  const faults = yield* Faults;
  const startedAt = yield* Clock.currentTimeMillis;
  const { checks, metrics, record, metric } = yield* findings;
  const all: TargetResponse[] = [];
  const labels = new Map<TargetResponse, "A" | "B">();
  const at = (step: string) => progress.step(step, STEPS.indexOf(step) / STEPS.length);
  const send = (step: string, range: BarsRange, label: "A" | "B", pin?: string) =>
    target
      .get({
        path: "/api/bars",
        query: { symbol: range.symbol, tf: range.tf, start: range.start, end: range.end },
        ...(pin ? { pin } : {}),
      })
      .pipe(
        Effect.tap((r) =>
          Effect.sync(() => {
            all.push(r);
            labels.set(r, label);
          }),
        ),
        Effect.tap((r) => progress.observe(step, r, label)),
      );

  // setup: two ranges nobody has cached (A: warm-up, hits, cross-instance; B: the stampede).
  yield* at("setup");
  const [rangeA, rangeB] = yield* chooseRanges(params);
  const keyA = yield* evidence.forgetBars(rangeA);
  const keyB = yield* evidence.forgetBars(rangeB);
  const upstreamBefore = {
    a: yield* evidence.upstreamFetches(rangeA),
    b: yield* evidence.upstreamFetches(rangeB),
  };
  const active = yield* faults.active;
  yield* metric("faults_active", active.map((f) => f.name).join(",") || null);
  yield* metric("range.start", rangeA.start);
  yield* metric("range.end", rangeA.end);

  // warmup: the first request is a MISS that fetches and stores the exact bytes served.
  yield* at("warmup");
  const warm = yield* send("warmup", rangeA, "A");
  yield* record(
    check("warmup", "warmup.miss", "MISS", warm.cache ?? `HTTP ${warm.status}`, equals("MISS")),
  );
  const stored = yield* evidence.cachedBytes(warm.cacheKey ?? keyA);
  yield* record(
    check("warmup", "warmup.set", `${warm.bytes} bytes stored`, stored, equals(warm.bytes)),
  );
  const afterWarmup = yield* evidence.runCounters;

  // hit: the same key five times on the instance that served the warm-up.
  yield* at("hit");
  const pin = warm.instanceId ?? undefined;
  const hits: TargetResponse[] = [];
  for (let i = 0; i < HIT_ROUNDS; i++) hits.push(yield* send("hit", rangeA, "A", pin));
  const hitCount = hits.filter((r) => r.cache === "HIT").length;
  const onPinned = hits.filter((r) => r.instanceId === pin).length;
  yield* record(
    check(
      "hit",
      "hit.same_key_all_hit",
      `${HIT_ROUNDS} of ${HIT_ROUNDS} HIT`,
      hitCount,
      equals(HIT_ROUNDS),
      `${onPinned} of ${HIT_ROUNDS} served by ${pin ?? "?"} (the warm-up instance)`,
    ),
  );

  // stampede: N concurrent requests for the new key B -> one provider fetch.
  yield* at("stampede");
  const before = yield* evidence.runCounters;
  const n = params.concurrency;
  const burst = yield* Effect.forEach(
    Array.from({ length: n }, (_, i) => i),
    () => send("stampede", rangeB, "B"),
    { concurrency: "unbounded" },
  );
  const after = yield* evidence.runCounters;
  const stampedeFetches = after.provider_fetch - before.provider_fetch;
  const keyBActual = burst.find((r) => r.cacheKey)?.cacheKey ?? keyB;
  const persisted = yield* evidence.barsEvents(keyBActual, n);
  const upstreamB = yield* evidence.upstreamFetches(rangeB);
  const upstreamStampede =
    upstreamB === null || upstreamBefore.b === null ? null : upstreamB - upstreamBefore.b;
  const released = burst.filter((r) => r.status === 200 && r.cache !== "MISS").length;
  const ok = burst.filter((r) => r.status === 200).length;
  yield* metric("stampede.provider_fetch", stampedeFetches);
  yield* metric("stampede.released", released);
  yield* metric("stampede.lock_waits", after.lock_waits - before.lock_waits);
  yield* metric("stampede.upstream_count", upstreamStampede);
  yield* metric("stampede.persisted_fetches", persisted.providerFetches);
  yield* record(
    check(
      "stampede",
      "stampede.provider_fetch",
      "= 1",
      stampedeFetches,
      equals(1),
      "Redis counter delta",
    ),
  );
  yield* record(
    check(
      "stampede",
      "stampede.released_after_fill",
      `= ${n - 1} (WAIT or HIT)`,
      released,
      equals(n - 1),
      `${burst.filter((r) => r.cache === "WAIT").length} WAIT, ${burst.filter((r) => r.cache === "HIT").length} HIT, ${burst.filter((r) => r.cache === "MISS").length} MISS, ${n - ok} errors`,
    ),
  );
  yield* record(
    agreement(
      "stampede",
      "stampede.evidence_agrees",
      stampedeFetches,
      persisted.providerFetches,
      upstreamStampede,
    ),
  );

  // cross-instance: requests through the balancer until two instances have hit key A.
  yield* at("cross-instance");
  const expected = yield* evidence.expectedInstances;
  // One key at a time: sequential requests through a round-robin balancer visit every
  // instance (alternating keys would alias with two instances: A always on one, B on the other).
  const budget = params.quick ? 12 : 40;
  for (const [label, range] of [
    ["A", rangeA],
    ["B", rangeB],
  ] as const) {
    for (let i = 0; i < budget; i++) {
      yield* send("cross-instance", range, label);
      if (i >= 3 && instancesWithHit(all, labels, label) >= Math.min(2, expected ?? 2)) break;
    }
  }

  // sustain (full runs): steady low load until the duration is spent, for the hit rate and latency.
  yield* at("sustain");
  const durationMs = (params.durationMin ?? cacheProfile.defaultDurationMin) * 60_000;
  if (!params.quick) {
    for (;;) {
      const now = yield* Clock.currentTimeMillis;
      if (now - startedAt >= durationMs) break;
      yield* Effect.forEach(
        ["A", "B"] as const,
        (k) => send("sustain", k === "A" ? rangeA : rangeB, k),
        {
          concurrency: 2,
        },
      );
      yield* Effect.sleep("1 second");
    }
  }

  // verdict: the seed's criteria, over the whole run.
  yield* at("verdict");
  const end = yield* evidence.runCounters;
  const hitsAfter = end.cache_hit - afterWarmup.cache_hit;
  const missesAfter = end.cache_miss - afterWarmup.cache_miss;
  const hitRate =
    hitsAfter + missesAfter === 0 ? null : round(hitsAfter / (hitsAfter + missesAfter), 4);
  const afterWarm = all.slice(1);
  const observedRate =
    afterWarm.length === 0
      ? null
      : round(
          afterWarm.filter((r) => r.cache === "HIT" || r.cache === "WAIT").length /
            afterWarm.length,
          4,
        );
  yield* metric("hit_rate_after_warmup", hitRate);
  yield* metric("hit_rate_after_warmup.observed", observedRate);
  yield* record(
    check(
      "verdict",
      "cache.hit_rate_after_warmup",
      `>= ${MIN_HIT_RATE}`,
      hitRate,
      atLeast(MIN_HIT_RATE),
      `Redis counters: ${hitsAfter} hits, ${missesAfter} misses; responses say ${observedRate}`,
    ),
  );
  const instances = [...new Set(all.map((r) => r.instanceId).filter((i) => i !== null))];
  yield* metric("instances_seen", instances.length);
  yield* record(
    check(
      "cross-instance",
      "cross.instances_seen",
      `>= 2${expected ? ` (cluster has ${expected})` : ""}`,
      instances.length,
      atLeast(2),
      instances.join(", "),
    ),
  );
  const sharedHits = Math.max(
    instancesWithHit(all, labels, "A"),
    instancesWithHit(all, labels, "B"),
  );
  yield* record(
    check(
      "cross-instance",
      "cross.instances_hitting_one_key",
      ">= 2",
      sharedHits,
      atLeast(2),
      `key A hit on ${instancesWithHit(all, labels, "A")} instances, key B on ${instancesWithHit(all, labels, "B")}`,
    ),
  );
  const persistedA = yield* evidence.barsEvents(warm.cacheKey ?? keyA, countFor(all, labels, "A"));
  const persistedB = yield* evidence.barsEvents(keyBActual, countFor(all, labels, "B"));
  const upstreamA = yield* evidence.upstreamFetches(rangeA);
  const upstreamEnd = yield* evidence.upstreamFetches(rangeB);
  const upstreamTotal =
    upstreamA === null ||
    upstreamEnd === null ||
    upstreamBefore.a === null ||
    upstreamBefore.b === null
      ? null
      : upstreamA - upstreamBefore.a + (upstreamEnd - upstreamBefore.b);
  yield* metric("provider_fetch", end.provider_fetch);
  yield* metric("requests", all.length);
  yield* record(
    agreement(
      "verdict",
      "run.evidence_agrees",
      end.provider_fetch,
      persistedA.providerFetches + persistedB.providerFetches,
      upstreamTotal,
    ),
  );
  const failed = all.filter((r) => r.status !== 200);
  yield* record(
    check(
      "verdict",
      "requests.all_ok",
      "0 failed",
      failed.length,
      equals(0),
      failed.length
        ? failed
            .slice(0, 5)
            .map((r) => `${r.status} ${r.errorCode ?? ""}`)
            .join("; ")
        : undefined,
    ),
  );
  const latencies = all.map((r) => r.durationMs);
  yield* metric("latency.p50_ms", rounded(percentile(latencies, 50)));
  yield* metric("latency.p95_ms", rounded(percentile(latencies, 95)));
  yield* metric("latency.p99_ms", rounded(percentile(latencies, 99)));
  return { checks, metrics } satisfies ProfileResult;
});

const rounded = (n: number | null) => (n === null ? null : round(n));

type Labels = ReadonlyMap<TargetResponse, "A" | "B">;
const instancesWithHit = (all: readonly TargetResponse[], labels: Labels, key: "A" | "B") =>
  new Set(all.filter((r) => r.cache === "HIT" && labels.get(r) === key).map((r) => r.instanceId))
    .size;
const countFor = (all: readonly TargetResponse[], labels: Labels, key: "A" | "B") =>
  all.filter((r) => labels.get(r) === key && r.status === 200).length;

/** Redis counter, persisted events and the upstream's own count (when it can tell) must be one number. */
const agreement = (
  step: string,
  name: string,
  redis: number,
  persisted: number,
  upstream: number | null,
): Check => {
  const figures = `redis ${redis}, events ${persisted}, upstream ${upstream ?? "not observable"}`;
  return check(
    step,
    name,
    "redis = events = upstream",
    figures,
    () => redis === persisted && (upstream === null || upstream === redis),
  );
};

const MIN_RANGE_MS = 10 * 60_000;

/** A (warm-up/hits) and B (stampede): the given ranges, or the last 7 trading days and its first half. */
const chooseRanges = Effect.fn("cacheProfile.chooseRanges")(function* (params: RunParams) {
  const evidence = yield* Evidence;
  const base = params.ranges?.[0] ?? lastTradingDays(yield* evidence.availableRange, 7);
  const span = Date.parse(base.end) - Date.parse(base.start);
  if (span < MIN_RANGE_MS) {
    return yield* new ProfileSetupFailed({
      step: "setup",
      message: `range ${base.start}..${base.end} is shorter than 10 minutes: too short for two distinct keys`,
    });
  }
  const second = params.ranges?.[1] ?? {
    start: base.start,
    end: new Date(
      Math.floor((Date.parse(base.start) + span / 2) / 300_000) * 300_000,
    ).toISOString(),
  };
  const a: BarsRange = { symbol: params.symbol, tf: params.tf, ...base };
  const b: BarsRange = { symbol: params.symbol, tf: params.tf, ...second };
  return [a, b] as const;
});
