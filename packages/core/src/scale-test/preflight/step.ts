import { Clock, Effect } from "effect";
import { combine, type ProfileResult, verdictOf } from "../check.ts";
import type { Answer } from "../data.ts";
import { ask } from "../poll.ts";
import type { Judged } from "../profile.ts";
import { gatesOf } from "../profiles/db/gates.ts";
import { type Plan, reportAt } from "../progress/plan.ts";
import { publish } from "../publish.ts";
import type { RunParams, Verdict } from "../schema.ts";
import { DbEvidence } from "../services/dbEvidence.ts";
import { Evidence } from "../services/evidence.ts";
import { Progress } from "../services/progress.ts";
import { Target } from "../services/target.ts";
import type { PreflightEvidence, SeenInstance } from "./evidence.ts";
import { judgeExhaustion, judgePreflight } from "./judge.ts";

/** Health probes through the balancer: this many per expected instance, at least MIN_PROBES. */
export const PROBES_PER_INSTANCE = 5;
export const MIN_PROBES = 10;
/**
 * An instance (re)started a moment ago, e.g. after the previous run crashed it, is not in
 * rotation until the balancer's health check has seen it: rounds of probes go on this long,
 * ROUND_PAUSE_MS apart, before an expected instance counts as unreachable.
 */
export const SETTLE_MS = 15_000;
export const ROUND_PAUSE_MS = 500;

/**
 * `/ops/health` through the balancer until every expected instance has answered 200 (or
 * the settle window is over; with the count unknown, until every instance seen answered
 * 200): each instance's last status. A dependency probe that misses its 500 ms once, on a
 * busy machine, is asked again rather than refusing the run; one that stays down is
 * refused when the window ends.
 */
const probeInstances = Effect.fn("preflight.probe")(function* (expected: number | null) {
  const target = yield* Target;
  const limit = Math.max(MIN_PROBES, (expected ?? 0) * PROBES_PER_INSTANCE);
  const seen = new Map<string, number>();
  const healthy = () => [...seen.values()].every((status) => status === 200);
  const settled = () => (expected === null || seen.size >= expected) && healthy();
  let probes = 0;
  let unreachable = 0;
  const start = yield* Clock.currentTimeMillis;
  for (;;) {
    for (let n = 0; n < limit && !(expected !== null && settled()); n++) {
      const a: Answer = yield* ask(target.get({ path: "/ops/health" }));
      probes++;
      if (a._tag === "Unreachable") unreachable++;
      else if (a.response.instanceId) seen.set(a.response.instanceId, a.response.status);
    }
    if (settled() || (yield* Clock.currentTimeMillis) - start >= SETTLE_MS) break;
    yield* Effect.sleep(ROUND_PAUSE_MS);
  }
  const instances: SeenInstance[] = [...seen].map(([instanceId, status]) => ({
    instanceId,
    status,
  }));
  return { probes, unreachable, instances };
});

/** Everything the preflight rules need, read before the run sends any traffic. */
export const gatherPreflight = Effect.fn("preflight.gather")(function* (params: RunParams) {
  const db = yield* DbEvidence;
  const expected = yield* (yield* Evidence).expectedInstances;
  const probed = yield* probeInstances(expected);
  const pools = yield* Effect.forEach(probed.instances, (i) => db.pool(i.instanceId), {
    concurrency: "unbounded",
  });
  return {
    expected,
    ...probed,
    pools: pools.filter((p) => p !== null),
    settings: yield* db.settings,
    margin: gatesOf(params).connectionMargin,
  } satisfies PreflightEvidence;
});

export interface Preflight {
  readonly result: ProfileResult;
  readonly refused: string | null;
  /** The cluster's pool-exhaustion count when the run began. */
  readonly exhaustionBefore: number | null;
  /** What the rules were judged from (kept with the run's evidence, for a re-judge). */
  readonly evidence: PreflightEvidence;
}

/** The first step of every run: its checks are published, and a refusal says why in numbers. */
export const preflight = Effect.fn("preflight")(function* (params: RunParams, plan: Plan) {
  yield* (yield* Progress).report(reportAt(plan, "preflight", 0, 0));
  const exhaustionBefore = yield* (yield* DbEvidence).exhaustionEvents;
  const evidence = yield* gatherPreflight(params);
  const verdict = judgePreflight(evidence);
  const notes = verdict.refused ? { "preflight.refused": verdict.refused } : {};
  const result = yield* publish({ ...verdict.result, notes });
  return { result, refused: verdict.refused, exhaustionBefore, evidence } satisfies Preflight;
});

/** What every run ends with: its pool-exhaustion events, counted by the cluster itself. */
export const postflight = Effect.fn("postflight")(function* (before: Preflight) {
  const after = yield* (yield* DbEvidence).exhaustionEvents;
  return { result: yield* publish(judgeExhaustion(before.exhaustionBefore, after)), after };
});

/**
 * A profile's program with the preflight before it and the exhaustion check after it:
 * a refused run sends no traffic and ends FAIL with the preflight's findings.
 */
export const withPreflight = <A extends Judged, E, R>(
  params: RunParams,
  plan: Plan,
  program: Effect.Effect<A, E, R>,
) =>
  Effect.gen(function* () {
    const pre = yield* preflight(params, plan);
    if (pre.refused)
      return { ...pre.result, verdict: "FAIL" as Verdict } as Partial<A> &
        ProfileResult & { verdict: Verdict };
    const result = yield* program;
    const post = yield* postflight(pre);
    const all = combine(pre.result, result, post.result);
    // the profile's own fields are kept; checks and metrics are the run's, and so is the
    // evidence: the profile's, with what the preflight and the exhaustion count saw
    const evidence = result.evidence && {
      ...result.evidence,
      preflight: {
        evidence: pre.evidence,
        exhaustion: { before: pre.exhaustionBefore, after: post.after },
      },
    };
    return { ...result, ...all, ...(evidence ? { evidence } : {}), verdict: verdictOf(all.checks) };
  });
