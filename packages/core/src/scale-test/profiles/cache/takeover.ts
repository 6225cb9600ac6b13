import { Effect, Fiber } from "effect";
import { responsesOf } from "../../answers.ts";
import type { Answer, BarsRange } from "../../data.ts";
import { ask, pollUntil } from "../../poll.ts";
import { Evidence } from "../../services/evidence.ts";
import { Faults } from "../../services/faults.ts";
import { Target } from "../../services/target.ts";
import type { TakeoverEvidence } from "./evidence.ts";
import { LEASE_WAIT_MS, OVERLAP_LATENCY_MS, RESTART_WAIT_MS } from "./plan.ts";
import type { RequestLog } from "./requests.ts";

const FAULT = "cache-holder-crash";

/** Each instance the run has heard from so far, with the boot id it last answered with. */
const bootsSeen = (log: RequestLog): Map<string, string | null> =>
  new Map(
    responsesOf(log.requests.map((r) => r.answer)).flatMap((r) =>
      r.instanceId ? [[r.instanceId, r.bootId] as const] : [],
    ),
  );

/** Polls the instance's health, pinned to it, until it answers with another boot id (null: not seen back). */
const awaitNewBoot = (instanceId: string, oldBoot: string | null) =>
  Effect.gen(function* () {
    const target = yield* Target;
    const back = (a: Answer) =>
      a._tag === "Answered" &&
      a.response.instanceId === instanceId &&
      a.response.bootId !== null &&
      a.response.bootId !== oldBoot;
    const last = yield* pollUntil(
      ask(target.get({ path: "/ops/health", pin: instanceId })),
      back,
      "250 millis",
      `${RESTART_WAIT_MS} millis`,
    );
    return back(last) && last._tag === "Answered" ? last.response.bootId : null;
  });

/**
 * Takeover: the fault `cache-holder-crash` is aimed at an instance that is not the
 * runner's; a request pinned to it takes key C's lease, and once the lease is held N
 * requests go to the other instances and wait. The holder dies after its (slowed) fetch
 * returned, before the fill; its lease expires and exactly one waiter must take it over,
 * fetch once and release everyone. Then the dead instance must come back (new boot id).
 */
export const takeoverStep = Effect.fn("cacheProfile.takeover")(function* (
  log: RequestLog,
  range: BarsRange,
  n: number,
) {
  const evidence = yield* Evidence;
  const faults = yield* Faults;
  const runId = (yield* Target).runId;
  const key = yield* evidence.forgetBars(range);
  const before = yield* evidence.runCounters;
  const upstreamBefore = yield* evidence.upstreamFetches(range);
  const boots = bootsSeen(log);
  const victim = [...boots.keys()].sort().find((i) => i !== faults.spared) ?? null;
  const survivors = [...boots.keys()].filter((i) => i !== victim).sort();
  const victimBoot = victim === null ? null : (boots.get(victim) ?? null);
  const unrun = (why: string): TakeoverEvidence => ({
    notRun: why,
    victim,
    victimBoot,
    victimAnswer: null,
    waiters: [],
    before,
    after: before,
    upstream: null,
    timeline: [],
    restartedBoot: null,
  });
  if (victim === null) return unrun("no instance but the runner's has answered: none to crash");
  if (survivors.length === 0) return unrun(`no instance but ${victim} has answered: none to wait`);
  if (!(yield* faults.inject(FAULT, { runId }, victim))) {
    return unrun("fault injection is disabled on this deployment");
  }
  const { victimAnswer, waiters } = yield* Effect.scoped(
    Effect.gen(function* () {
      yield* evidence.slowFetches(range, OVERLAP_LATENCY_MS);
      const holder = yield* Effect.forkChild(log.sendApart("takeover", range, "C", victim));
      yield* pollUntil(
        evidence.leased(key),
        (held) => held,
        "20 millis",
        `${LEASE_WAIT_MS} millis`,
      );
      const waiters = yield* Effect.forEach(
        Array.from({ length: n }, (_, i) => survivors[i % survivors.length] ?? null),
        (pin) => log.sendApart("takeover", range, "C", pin),
        { concurrency: "unbounded" },
      );
      return { victimAnswer: yield* Fiber.join(holder), waiters };
    }),
  ).pipe(Effect.ensuring(faults.clear(FAULT)));
  const restartedBoot = yield* awaitNewBoot(victim, victimBoot);
  const after = yield* evidence.runCounters;
  const answered = responsesOf([victimAnswer, ...waiters]).filter((r) => r.status === 200);
  const timeline = yield* evidence.barsTimeline(key, answered.length);
  const upstreamNow = yield* evidence.upstreamFetches(range);
  return {
    notRun: null,
    victim,
    victimBoot,
    victimAnswer,
    waiters,
    before,
    after,
    upstream: upstreamNow === null || upstreamBefore === null ? null : upstreamNow - upstreamBefore,
    timeline,
    restartedBoot,
  } satisfies TakeoverEvidence;
});
