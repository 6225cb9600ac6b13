import { Duration, Effect } from "effect";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { MemoryEvidence } from "../../services/memoryEvidence.ts";
import { lastTradingDays } from "../../tradingDays.ts";
import type { SoakEvidence } from "./evidence.ts";
import { judgeMemory } from "./judge.ts";
import { leakLinesOf, MEMORY_DEFAULT_MIN, memoryPlan, soakMsOf, warmupMsOf } from "./plan.ts";
import { pressureStep } from "./pressure.ts";
import { soakStep } from "./soak.ts";
import { windowsForSoak } from "./windows.ts";

/**
 * Seed PROFILE 3: a mixed workload (cached bars on the same and on new keys, a small
 * backtest now and then, constant low concurrency) while every instance samples its
 * memory: a warm-up, then the judged soak. Verdict: no restart; no leak in what survives
 * a full GC (heap, off-heap, rss) per instance, window by window (PASS / RISK / FAIL);
 * GC reclaims; p95 within target; then pressure applied to one instance (not the
 * runner's) sheds with 503s instead of crashing, and it recovers once released.
 */
export const memoryProfile: Profile = {
  name: "memory",
  title: "Memory soak",
  defaultDurationMin: MEMORY_DEFAULT_MIN,
  plan: memoryPlan,
  run: (params) => runMemory(params),
};

const runMemory = Effect.fn("memoryProfile")(function* (params: RunParams) {
  const evidence = yield* Evidence;
  const memory = yield* MemoryEvidence;
  const tracker = yield* makeTracker(memoryPlan(params));

  yield* tracker.at("setup");
  const day = params.ranges?.[0] ?? lastTradingDays(yield* evidence.availableRange, 1);

  yield* tracker.at("warmup");
  const { started, soak, workload } = yield* soakStep(params, day, tracker, {
    warmupMs: warmupMsOf(params),
    soakMs: soakMsOf(params),
  });

  // collect: two more sampling intervals, so the last samples have landed.
  yield* tracker.at("collect");
  yield* Effect.sleep(Duration.millis(memory.sampleEveryMs(params.quick) * 2));
  const counters = yield* evidence.runCounters;

  yield* tracker.at("pressure");
  const pressure = yield* pressureStep(params, day, started);
  // Only this profile's window: in a full run, earlier parts (a crash fault in jobs) are not ours to judge.
  const samples = (yield* memory.samples).filter((p) => p.at >= started);

  yield* tracker.at("verdict");
  const ev: SoakEvidence = {
    quick: params.quick,
    leak: windowsForSoak(leakLinesOf(params.quick, params.thresholds), soakMsOf(params)),
    soak,
    samples,
    workload,
    shedCounted: counters.shed ?? 0,
    pressure,
  };
  const result = yield* publish(judgeMemory(ev, params.thresholds));
  return { ...result, evidence: { profile: "memory", memory: ev } } satisfies Judged;
});
