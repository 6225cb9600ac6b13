import { Duration, Effect } from "effect";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { MemoryEvidence } from "../../services/memoryEvidence.ts";
import { lastTradingDays } from "../../tradingDays.ts";
import { judgeMemory } from "./judge.ts";
import { MEMORY_DEFAULT_MIN, memoryPlan, soakMsOf } from "./plan.ts";
import { soakStep } from "./soak.ts";

/**
 * Seed PROFILE 3: a mixed workload (cached bars on the same and on new keys, a small
 * backtest now and then, constant low concurrency) while every instance samples its
 * memory. Verdict: no restart, no heap still climbing at the end (Theil-Sen lower bound
 * over rolling windows), GC reclaims, p95 within target, and under pressure 503s instead
 * of crashes.
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

  yield* tracker.at("soak");
  const { started, answers } = yield* soakStep(params, day, tracker, soakMsOf(params));

  // collect: two more sampling intervals, so the last samples have landed.
  yield* tracker.at("collect");
  yield* Effect.sleep(Duration.millis(memory.sampleEveryMs(params.quick) * 2));
  // Only this soak's window: in a full run, earlier parts (a crash fault in jobs) are not ours to judge.
  const samples = (yield* memory.samples).filter((p) => p.at >= started);
  const counters = yield* evidence.runCounters;

  yield* tracker.at("verdict");
  const soak = { quick: params.quick, samples, answers, shedCounted: counters.shed ?? 0 };
  const result = yield* publish(judgeMemory(soak));
  return { ...result, evidence: { profile: "memory", memory: soak } } satisfies Judged;
});
