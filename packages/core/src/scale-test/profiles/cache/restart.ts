import { Effect } from "effect";
import { responsesOf } from "../../answers.ts";
import type { Answer, BarsRange } from "../../data.ts";
import { ask, pollUntil } from "../../poll.ts";
import { Evidence } from "../../services/evidence.ts";
import { Infra } from "../../services/infra.ts";
import { Target } from "../../services/target.ts";
import type { RedisRestartEvidence } from "./evidence.ts";
import { OVERLAP_LATENCY_MS, REDIS_DOWN_MS, RESTART_WAIT_MS } from "./plan.ts";
import type { RequestLog } from "./requests.ts";

/** How many new keys the stampede after the restart asks for. */
const NEW_KEYS = 3;

/** Key C's range, cut short by 5, 10, 15 minutes: keys nobody has asked for in this run. */
const newRanges = (c: BarsRange): BarsRange[] =>
  Array.from({ length: NEW_KEYS }, (_, i) => ({
    ...c,
    end: new Date(Date.parse(c.end) - (i + 1) * 300_000).toISOString(),
  }));

/** Each instance the run has heard from, with the boot id it last answered with. */
const bootsOf = (log: RequestLog) => {
  const boots = new Map<string, string | null>();
  for (const r of responsesOf(log.requests.map((x) => x.answer))) {
    if (r.instanceId) boots.set(r.instanceId, r.bootId);
  }
  return [...boots]
    .map(([instanceId, bootId]) => ({ instanceId, bootId }))
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
};

/** Polls the instance's health, pinned to it, until it answers 200 (false: not within the wait). */
const healthy = (instanceId: string) =>
  Effect.gen(function* () {
    const target = yield* Target;
    const ok = (a: Answer) =>
      a._tag === "Answered" && a.response.status === 200 && a.response.instanceId === instanceId;
    const last = yield* pollUntil(
      ask(target.get({ path: "/ops/health", pin: instanceId })),
      ok,
      "250 millis",
      `${RESTART_WAIT_MS} millis`,
    );
    return ok(last);
  });

/**
 * Redis is restarted (by the platform, only where it may); once every instance answers
 * healthy again, `n` concurrent requests per new key, pinned to the instances in turn,
 * with the key's fetch slowed (replay upstream) so they overlap it. The fetches are
 * counted from the persisted events and the upstream, which a Redis restart keeps.
 */
export const redisRestartStep = Effect.fn("cacheProfile.redisRestart")(function* (
  log: RequestLog,
  c: BarsRange,
  n: number,
) {
  const infra = yield* Infra;
  const evidence = yield* Evidence;
  const bootsBefore = bootsOf(log);
  const none = { window: null, notBack: [], keys: [], burst: [], persistedFetches: 0 };
  if (!infra.restartable.redis) {
    const notRun = "the platform may not restart Redis";
    return { notRun, downMs: 0, bootsBefore, ...none, upstream: null } as RedisRestartEvidence;
  }
  const ranges = newRanges(c);
  const upstreamBefore = yield* Effect.forEach(ranges, evidence.upstreamFetches);
  const window = yield* infra.restart("redis", REDIS_DOWN_MS);
  const back = yield* Effect.forEach(bootsBefore, (b) => healthy(b.instanceId));
  const notBack = bootsBefore.filter((_, i) => !back[i]).map((b) => b.instanceId);
  const forgotten = yield* Effect.forEach(ranges, evidence.forgetBars);
  const pins = bootsBefore.map((b) => b.instanceId);
  const burst = yield* Effect.scoped(
    Effect.gen(function* () {
      yield* Effect.forEach(ranges, (r) => evidence.slowFetches(r, OVERLAP_LATENCY_MS));
      return yield* Effect.forEach(
        ranges.flatMap((r) => Array.from({ length: n }, (_, i) => ({ r, i }))),
        ({ r, i }) => log.sendApart("redis-restart", r, "C", pins[i % pins.length] ?? null),
        { concurrency: "unbounded" },
      );
    }),
  );
  const perKey = ranges.map((_, k) => responsesOf(burst.slice(k * n, (k + 1) * n)));
  const keys = perKey.map((rs, k) => rs.find((r) => r.cacheKey)?.cacheKey ?? forgotten[k] ?? "");
  const timelines = yield* Effect.forEach(keys, (key, k) =>
    evidence.barsTimeline(key, perKey[k]?.filter((r) => r.status === 200).length ?? 0),
  );
  const upstreamAfter = yield* Effect.forEach(ranges, evidence.upstreamFetches);
  const upstream =
    upstreamAfter.some((u) => u === null) || upstreamBefore.some((u) => u === null)
      ? null
      : upstreamAfter.reduce<number>((a, u, i) => a + (u ?? 0) - (upstreamBefore[i] ?? 0), 0);
  return {
    notRun: null,
    downMs: REDIS_DOWN_MS,
    window,
    bootsBefore,
    notBack,
    keys,
    burst,
    persistedFetches: timelines.flat().filter((t) => t.providerFetch).length,
    upstream,
  } satisfies RedisRestartEvidence;
});
