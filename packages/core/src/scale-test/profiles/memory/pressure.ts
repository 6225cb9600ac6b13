import { Clock, Effect } from "effect";
import type { Answer, MemoryPoint } from "../../data.ts";
import { ask, pollUntil } from "../../poll.ts";
import type { RunParams } from "../../schema.ts";
import { Faults } from "../../services/faults.ts";
import { MemoryEvidence } from "../../services/memoryEvidence.ts";
import { Target } from "../../services/target.ts";
import type { PressureEvidence } from "./evidence.ts";
import { MORE_REQUESTS, pressureWaitMs } from "./plan.ts";
import { isServed, isShed } from "./soak.ts";

/** The ballast is sized to bring the instance this far above its own shedding line (0.80 -> 0.88). */
export const ABOVE_SHED_BY = 0.08;

const notApplied = (reason: string, instanceId: string | null = null): PressureEvidence => ({
  notApplied: reason,
  instanceId,
  aboveShedBy: null,
  armedAt: null,
  releasedAt: null,
  during: [],
  light: [],
  after: [],
});

const latestOf = (samples: readonly MemoryPoint[], instanceId: string, since: number) =>
  samples.filter((s) => s.instanceId === instanceId && s.at >= since).at(-1);

/**
 * Seed PROFILE 3's "under pressure, 503s instead of crashes", applied rather than hoped
 * for: the ballast fault (through the admin fault switch) on one instance that is not the
 * runner's own, sized to bring its pressure above its shedding line; heavy requests
 * pinned to it until it sheds (and a few more), a light one (health) meanwhile; then the
 * ballast is released and heavy requests go on until it serves again and its sampler says
 * it stopped shedding (and a few more). The ballast is released however the step ends.
 */
export const pressureStep = Effect.fn("memoryProfile.pressure")(function* (
  params: RunParams,
  day: { readonly start: string; readonly end: string },
  since: number,
) {
  const faults = yield* Faults;
  const memory = yield* MemoryEvidence;
  const target = yield* Target;
  const seen = [
    ...new Set((yield* memory.samples).filter((s) => s.at >= since).map((s) => s.instanceId)),
  ];
  const victim = seen.sort().find((i) => i !== faults.spared);
  if (victim === undefined) {
    return notApplied(
      `no instance besides the runner's own (${faults.spared ?? "unknown"}) to put under pressure`,
    );
  }
  const wait = pressureWaitMs(params.quick);
  const heavyOnce = ask(
    target.get({
      path: "/api/bars",
      query: { symbol: params.symbol, tf: params.tf, start: day.start, end: day.end },
      pin: victim,
    }),
  );
  const fromVictim = (a: Answer) => a._tag === "Answered" && a.response.instanceId === victim;
  const during: Answer[] = [];
  const light: Answer[] = [];
  const after: Answer[] = [];
  const keep = (into: Answer[]) => (a: Answer) => Effect.sync(() => void into.push(a));
  const more = (into: Answer[]) =>
    Effect.forEach(
      Array.from({ length: MORE_REQUESTS }),
      () => heavyOnce.pipe(Effect.tap(keep(into))),
      {
        discard: true,
      },
    );

  const armed = yield* faults.inject("ballast", { aboveShedBy: ABOVE_SHED_BY }, victim);
  if (!armed) {
    return notApplied("fault injection is disabled on this deployment (FAULTS_ENABLED)", victim);
  }
  const armedAt = yield* Clock.currentTimeMillis;
  const stateSince = (since: number) =>
    memory.samples.pipe(Effect.map((ss) => latestOf(ss, victim, since)));
  const released = yield* Effect.gen(function* () {
    // until it sheds a request and its own sampler says it is shedding
    const shedding = (r: { answer: Answer; sample: MemoryPoint | undefined }) =>
      isShed(r.answer) && fromVictim(r.answer) && r.sample?.shedding === true;
    const last = yield* pollUntil(
      Effect.all({
        answer: heavyOnce.pipe(Effect.tap(keep(during))),
        sample: stateSince(armedAt),
      }),
      shedding,
      "250 millis",
      wait,
    );
    if (isShed(last.answer)) yield* more(during);
    yield* ask(target.get({ path: "/ops/health", pin: victim })).pipe(Effect.tap(keep(light)));
    yield* faults.clear("ballast");
    return yield* Clock.currentTimeMillis;
  }).pipe(Effect.ensuring(faults.clear("ballast")));

  const recovered = (r: { answer: Answer; sample: MemoryPoint | undefined }) =>
    isServed(r.answer) && fromVictim(r.answer) && r.sample !== undefined && !r.sample.shedding;
  const probe = Effect.all({
    answer: heavyOnce.pipe(Effect.tap(keep(after))),
    sample: stateSince(released),
  });
  const last = yield* pollUntil(probe, recovered, "500 millis", wait);
  if (recovered(last)) yield* more(after);

  return {
    notApplied: null,
    instanceId: victim,
    aboveShedBy: ABOVE_SHED_BY,
    armedAt,
    releasedAt: released,
    during,
    light,
    after,
  } satisfies PressureEvidence;
});
