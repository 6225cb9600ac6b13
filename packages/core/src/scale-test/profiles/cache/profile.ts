import { Effect } from "effect";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { Faults } from "../../services/faults.ts";
import { type CacheEvidence, okCount, type RedisRestartEvidence } from "./evidence.ts";
import { judgeCache, judgeHit, judgeWarmup } from "./judge.ts";
import { CACHE_DEFAULT_MIN, cachePlan } from "./plan.ts";
import { chooseRanges } from "./ranges.ts";
import { makeRequestLog } from "./requests.ts";
import { redisRestartStep } from "./restart.ts";
import { judgeRedisRestart } from "./restartJudge.ts";
import { judgeRun } from "./runJudge.ts";
import { crossInstanceStep, sustainStep } from "./spread.ts";
import { stampedeStep } from "./stampede.ts";
import { judgeStampede } from "./stampedeJudge.ts";
import { takeoverStep } from "./takeover.ts";
import { judgeTakeover } from "./takeoverJudge.ts";

/**
 * Seed PROFILE 1: the bars cache is shared by every instance and a stampede costs one
 * upstream fetch. Every figure is read back from the responses, the run's Redis
 * counters, the persisted events and (with the replay upstream) the upstream's own
 * count, and the three sources must agree. The stampede counts only if its requests
 * overlapped the one fetch on >= 2 instances (the instances' own timings); a holder that
 * dies mid-fetch must be taken over by exactly one waiter. Each step's checks are
 * published as soon as they are decided; `judgeCache` gives the same verdict from the
 * evidence alone, which the run returns to be persisted and exported.
 */
export const cacheProfile: Profile = {
  name: "cache",
  title: "Cache stampede and shared cache",
  defaultDurationMin: CACHE_DEFAULT_MIN,
  plan: cachePlan,
  run: (params) => runCache(params),
};

const runCache = Effect.fn("cacheProfile")(function* (params: RunParams) {
  const evidence = yield* Evidence;
  const tracker = yield* makeTracker(cachePlan(params));
  const log = yield* makeRequestLog;

  // setup: two ranges nobody has cached.
  yield* tracker.at("setup");
  const ranges = yield* chooseRanges(params);
  const keyA = yield* evidence.forgetBars(ranges.A);
  const keyB = yield* evidence.forgetBars(ranges.B);
  const upstreamBefore = {
    A: yield* evidence.upstreamFetches(ranges.A),
    B: yield* evidence.upstreamFetches(ranges.B),
  };
  const faultsActive = (yield* (yield* Faults).active).map((f) => f.name);

  // warmup: the first request is a MISS that fetches and stores the exact bytes served.
  yield* tracker.at("warmup");
  const warm = yield* log.must("warmup", ranges.A, "A");
  const storedBytes = yield* evidence.cachedBytes(warm.cacheKey ?? keyA);
  const countersAfterWarmup = yield* evidence.runCounters;
  yield* publish(judgeWarmup({ range: ranges.A, faultsActive, warm, storedBytes }));

  // hit: the same key five times on the instance that served the warm-up.
  yield* tracker.at("hit");
  const pin = warm.instanceId;
  yield* Effect.forEach([1, 2, 3, 4, 5], () => log.send("hit", ranges.A, "A", pin), {
    discard: true,
  });
  yield* publish(judgeHit({ requests: log.requests, pin }));

  // stampede: N concurrent requests for the new key B -> one provider fetch.
  yield* tracker.at("stampede");
  const { stampede, cacheKey: keyBSeen } = yield* stampedeStep(
    log,
    ranges.B,
    keyB,
    upstreamBefore.B,
    params.concurrency,
  );
  yield* publish(judgeStampede(stampede));

  // takeover: the holder of key C's lease dies mid-fetch; exactly one waiter takes over.
  yield* tracker.at("takeover");
  const takeover = params.crash ? yield* takeoverStep(log, ranges.C, params.concurrency) : null;
  yield* publish(judgeTakeover(takeover));

  yield* tracker.at("cross-instance");
  const expectedInstances = yield* evidence.expectedInstances;
  yield* crossInstanceStep(log, ranges, params.quick ? 12 : 40, expectedInstances);

  yield* tracker.at("sustain");
  const deadline = tracker.startedAt + (params.durationMin ?? CACHE_DEFAULT_MIN) * 60_000;
  if (!params.quick) yield* sustainStep(log, ranges, tracker, deadline);

  // the run's counters live in Redis: taken before a restart wipes them.
  const countersAtEnd = yield* evidence.runCounters;
  let redisRestart: RedisRestartEvidence | undefined;
  if (params.restarts?.includes("redis")) {
    yield* tracker.at("redis-restart");
    redisRestart = yield* redisRestartStep(log, ranges.C, params.concurrency);
    yield* publish(judgeRedisRestart(redisRestart));
  }

  // verdict: the seed's criteria, over the whole run.
  yield* tracker.at("verdict");
  const persistedA = yield* evidence.barsEvents(warm.cacheKey ?? keyA, okCount(log.requests, "A"));
  const persistedB = yield* evidence.barsEvents(keyBSeen, okCount(log.requests, "B"));
  const upstreamA = yield* evidence.upstreamFetches(ranges.A);
  const upstreamB = yield* evidence.upstreamFetches(ranges.B);
  const ev: CacheEvidence = {
    range: ranges.A,
    faultsActive,
    warm,
    storedBytes,
    pin,
    stampede,
    takeover,
    expectedInstances,
    requests: log.requests,
    countersAfterWarmup,
    countersAtEnd,
    persistedFetches: persistedA.providerFetches + persistedB.providerFetches,
    upstreamTotal:
      upstreamA === null ||
      upstreamB === null ||
      upstreamBefore.A === null ||
      upstreamBefore.B === null
        ? null
        : upstreamA - upstreamBefore.A + (upstreamB - upstreamBefore.B),
    ...(redisRestart ? { redisRestart } : {}),
  };
  yield* publish(judgeRun(ev, params.thresholds));
  return {
    ...judgeCache(ev, params.thresholds),
    evidence: { profile: "cache", cache: ev },
  } satisfies Judged;
});
