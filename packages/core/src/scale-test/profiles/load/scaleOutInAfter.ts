import { Clock, Effect, Option } from "effect";
import { attemptWindows } from "../../../jobs/attempts.ts";
import type { ExecutionEvent, JobRecord } from "../../../jobs/events.ts";
import { checkHistory } from "../../../jobs/history.ts";
import { pollUntil } from "../../poll.ts";
import { Evidence } from "../../services/evidence.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { Load } from "../../services/load.ts";
import type { ScaleFetches, ScaleOutInEvidence, ScaleSettle } from "./evidence.ts";
import type { ScaleSteps } from "./scaleOutIn.ts";
import { EnqueueAcks } from "./scaleOutInAcks.ts";
import { redisFetches } from "./scaleOutInCounts.ts";

/**
 * How long the run's jobs may take to finish after the level: a job the stop released is
 * claimed again at once; one left to die waits out its lease (10 s by default) first.
 */
export const SETTLE_WAIT_MS = 30_000;
/**
 * How long the fetch count waits for the instances' last events to land: their event
 * sinks flush every 50 ms (or at 200 events), a stopped instance on its way out; the
 * Redis counter is bumped before each fetch, so until then it may be ahead of the events.
 */
export const EVENTS_WAIT_MS = 10_000;
const OFF_SHOWN = 5;

const ended = (j: JobRecord) => j.status === "completed" || j.status === "failed";

/**
 * Ids the runner holds proof of (the held jobs' and the scaled level's acknowledged
 * enqueues) that did not end completed with exactly one accepted finish: not in the
 * queue's history at all, or not completed, or finished more or less than once.
 */
const unfinished = (
  ids: readonly string[],
  jobs: readonly JobRecord[],
  events: readonly ExecutionEvent[],
) => {
  const status = new Map(jobs.map((j) => [j.id, j.status]));
  const finishes = new Map<string, number>();
  for (const e of events)
    if (e.kind === "finish") finishes.set(e.jobId, (finishes.get(e.jobId) ?? 0) + 1);
  return ids.filter((id) => status.get(id) !== "completed" || finishes.get(id) !== 1);
};

/**
 * The jobs after the scaled level: waited for (bounded) until every job the run enqueued
 * so far has ended and every id the runner was given is in the queue's history, then
 * judged from that history: jobs without exactly one accepted finish are lost, and so is
 * every held or acknowledged id not found, or found but not completed exactly once.
 */
const settle = Effect.fn("loadProfile.scaleSettle")(function* (
  held: readonly string[],
  acked: readonly string[] | null,
) {
  const jobEvidence = yield* JobEvidence;
  const began = yield* Clock.currentTimeMillis;
  const expected = [...new Set([...held, ...(acked ?? [])])];
  const { jobs, events } = yield* pollUntil(
    jobEvidence.history,
    (h) => {
      const known = new Set(h.jobs.map((j) => j.id));
      return h.jobs.every(ended) && expected.every((id) => known.has(id));
    },
    "250 millis",
    `${SETTLE_WAIT_MS} millis`,
  );
  const verdict = checkHistory(jobs, events);
  const lost = [
    ...new Set([
      ...verdict.anomalies.filter((a) => a.kind === "lost").map((a) => a.jobId),
      ...unfinished(expected, jobs, events),
    ]),
  ];
  const waitedMs = (yield* Clock.currentTimeMillis) - began;
  return {
    settle: {
      jobs: jobs.length,
      lost,
      waitedMs,
      acked: acked === null ? null : acked.length,
    } satisfies ScaleSettle,
    events,
    duplicates: verdict.duplicates,
    overlaps: verdict.overlaps,
  };
});

/**
 * The level's new keys, each fetched from the provider exactly once: counted by the
 * instances' persisted events, by the run's Redis counter over the level (bumped before
 * each fetch, so read after the events: any fetch whose event landed is in it) and by the
 * upstream itself when it can tell, never computed. The events are read until each key has
 * an event per request the level sent for it and their fetches reach the Redis count, or
 * the bounded wait ends (an instance's sink flushes its buffer in batches).
 */
const fetches = Effect.fn("loadProfile.scaleFetches")(function* (
  level: string,
  redisBefore: number | null,
) {
  const evidence = yield* Evidence;
  const ranges = yield* (yield* Load).newKeys(level);
  const sends = new Map<string, number>();
  const keyed = ranges.map((range) => {
    const key = evidence.keyOf(range);
    const name = key ?? `${range.symbol} ${range.start}..${range.end}`;
    sends.set(name, (sends.get(name) ?? 0) + 1);
    return { range, key, name };
  });
  const distinct = [...new Map(keyed.map((k) => [k.name, k])).values()];
  const began = yield* Clock.currentTimeMillis;
  const readEvents = Effect.forEach(
    distinct,
    (k) =>
      Effect.gen(function* () {
        const ev =
          k.key === null ? null : yield* evidence.barsEvents(k.key, sends.get(k.name) ?? 1);
        return {
          key: k.name,
          requests: ev?.requests ?? 0,
          persisted: ev?.providerFetches ?? 0,
        };
      }),
    { concurrency: 4 },
  );
  const sum = (xs: readonly { persisted: number }[]) => xs.reduce((a, k) => a + k.persisted, 0);
  const landed = (xs: readonly { key: string; requests: number }[]) =>
    xs.every((k) => k.requests >= (sends.get(k.key) ?? 1));
  let perKey = yield* pollUntil(readEvents, landed, "100 millis", `${EVENTS_WAIT_MS} millis`);
  const after = yield* redisFetches;
  const redis = redisBefore === null || after === null ? null : after - redisBefore;
  if (redis !== null && sum(perKey) < redis) {
    const left = Math.max(0, EVENTS_WAIT_MS - ((yield* Clock.currentTimeMillis) - began));
    perKey = yield* pollUntil(readEvents, (xs) => sum(xs) >= redis, "100 millis", `${left} millis`);
  }
  const waitedMs = (yield* Clock.currentTimeMillis) - began;
  const counted = yield* Effect.forEach(
    perKey,
    (k, i) =>
      Effect.gen(function* () {
        const range = distinct[i]?.range;
        return { ...k, upstream: range ? yield* evidence.upstreamFetches(range) : null };
      }),
    { concurrency: 4 },
  );
  const upstream = counted.some((k) => k.upstream === null)
    ? null
    : counted.reduce((a, k) => a + (k.upstream ?? 0), 0);
  return {
    keys: distinct.length,
    persisted: sum(counted),
    upstream,
    redis,
    waitedMs,
    off: counted
      .filter((k) => k.persisted !== 1 || (k.upstream !== null && k.upstream !== 1))
      .slice(0, OFF_SHOWN)
      .map((k) => ({ key: k.key, persisted: k.persisted, upstream: k.upstream })),
  } satisfies ScaleFetches;
});

/** Everything read once the scaled level is over: jobs settled, the stopped instance's attempts, fetches. */
export const scaleOutInAfter = Effect.fn("loadProfile.scaleOutInAfter")(function* (
  level: string,
  steps: ScaleSteps,
) {
  const acks = yield* Effect.serviceOption(EnqueueAcks);
  const acked = Option.isSome(acks) ? yield* acks.value.jobIds(level) : null;
  const s = yield* settle(steps.hold?.jobs ?? [], acked);
  const { hold, redisBefore, ...rest } = steps;
  return {
    ...rest,
    ...(hold ? { hold } : {}),
    stoppedAttempts: attemptWindows(s.events)
      .filter((w) => steps.stopped !== null && w.instanceId === steps.stopped)
      .map((w) => ({ jobId: w.jobId, attempt: w.attempt, outcome: w.outcome })),
    duplicates: s.duplicates,
    overlaps: s.overlaps,
    settle: s.settle,
    fetches: yield* fetches(level, redisBefore),
  } satisfies ScaleOutInEvidence;
});
