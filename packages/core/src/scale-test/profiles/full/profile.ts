import { Duration, Effect } from "effect";
import { verdictOf } from "../../check.ts";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Progress } from "../../services/progress.ts";
import { round } from "../../stats.ts";
import type { PartEvidence } from "../../verdict/evidence.ts";
import { judgeFull, type PartResult, readiness, scalingMetrics } from "./judge.ts";
import { runPart } from "./parts.ts";
import { FULL_DEFAULT_MIN, fullPlan, PARTS } from "./plan.ts";
import { measureScaling } from "./scaling.ts";

/**
 * Seed PROFILE 4: cache -> jobs -> memory in sequence, and one verdict:
 * SCALE_READY = cache shared AND stampede AND jobs AND memory. Each part's checks and
 * metrics are kept under its name (`cache/stampede.provider_fetch`). The optional
 * "p95 improves with 2 instances" is measured where the runner can change the instance
 * count (the local cluster's front door) and reported as figures, not gated: on a
 * shared 2-core machine the difference is often within noise. Elsewhere: "not measured".
 * How long each part took (`time.cache_s`, `time.jobs_s`, `time.memory_s`,
 * `time.scaling_s`, by the run's monotonic clock) is published as it ends and exported.
 */
export const fullProfile: Profile = {
  name: "full",
  title: "Full scale readiness",
  defaultDurationMin: FULL_DEFAULT_MIN,
  plan: fullPlan,
  run: (params) => runFull(params),
};

const runFull = Effect.fn("fullProfile")(function* (params: RunParams) {
  const progress = yield* Progress;
  const plan = fullPlan(params);
  const tracker = yield* makeTracker(plan);
  const parts: PartResult[] = [];
  const evidence: PartEvidence[] = [];
  const timing: Record<string, number> = {};
  // by the run's monotonic clock (a wall-clock step during an hour's soak moves nothing)
  const timed = <A, E, R>(name: string, effect: Effect.Effect<A, E, R>) =>
    Effect.gen(function* () {
      const [took, a] = yield* Effect.timed(effect);
      const seconds = round(Duration.toMillis(took) / 1000, 1);
      timing[`time.${name}_s`] = seconds;
      yield* progress.metric(`time.${name}_s`, seconds);
      return a;
    });
  for (const part of PARTS) {
    const done = yield* timed(part.name, runPart(part, params, plan, tracker.startedAt));
    parts.push(done);
    evidence.push(...done.evidence);
    yield* progress.metric(`verdict.${part.name}`, verdictOf(done.result.checks));
  }
  yield* tracker.at("scaling");
  const scaling = yield* timed("scaling", measureScaling(params));
  yield* tracker.at("verdict");
  // the parts published their own findings: what is left is the verdict's
  const ready = readiness(parts);
  const scaled = scalingMetrics(scaling);
  yield* publish({
    checks: ready.checks,
    metrics: scaled.metrics,
    notes: { ...scaled.notes, ...ready.notes },
  });
  const judged = judgeFull(parts, scaling);
  return {
    ...judged,
    metrics: { ...judged.metrics, ...timing },
    evidence: { profile: "full", parts: evidence, scaling },
  } satisfies Judged;
});
