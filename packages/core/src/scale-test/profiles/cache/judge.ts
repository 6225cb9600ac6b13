import { responsesOf } from "../../answers.ts";
import { check, combine, equals, type ProfileResult } from "../../check.ts";
import type { ThresholdsSet } from "../../thresholds/resolve.ts";
import { answersOf, type CacheEvidence } from "./evidence.ts";
import { judgeRedisRestart } from "./restartJudge.ts";
import { judgeRun } from "./runJudge.ts";
import { judgeStampede } from "./stampedeJudge.ts";
import { judgeTakeover } from "./takeoverJudge.ts";

export const HIT_ROUNDS = 5;

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
  metrics: {},
  notes: {
    faults_active: ev.faultsActive.join(",") || "none",
    range: `${ev.range.start} .. ${ev.range.end}`,
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

/** Seed PROFILE 1's verdict from the evidence alone: the same checks, in the order the run reports them. */
export const judgeCache = (ev: CacheEvidence, thresholds?: ThresholdsSet): ProfileResult =>
  combine(
    judgeWarmup(ev),
    judgeHit(ev),
    judgeStampede(ev.stampede),
    judgeTakeover(ev.takeover),
    judgeRedisRestart(ev.redisRestart),
    judgeRun(ev, thresholds),
  );
