import { Clock, Effect } from "effect";
import { attemptWindows } from "../../../jobs/attempts.ts";
import type { JobRecord } from "../../../jobs/events.ts";
import { checkHistory } from "../../../jobs/history.ts";
import { pollUntil } from "../../poll.ts";
import { Evidence } from "../../services/evidence.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { Load } from "../../services/load.ts";
import type { ScaleFetches, ScaleOutInEvidence, ScaleSettle } from "./evidence.ts";
import type { ScaleSteps } from "./scaleOutIn.ts";

/**
 * How long the run's jobs may take to finish after the level: a job the stop released is
 * claimed again at once; one left to die waits out its lease (10 s by default) first.
 */
export const SETTLE_WAIT_MS = 30_000;
const OFF_SHOWN = 5;

const ended = (j: JobRecord) => j.status === "completed" || j.status === "failed";

/**
 * The jobs after the scaled level: waited for (bounded) until every job the run enqueued
 * so far has ended, then judged from the queue's own history: jobs without exactly one
 * accepted finish (and held jobs the queue never recorded) are lost.
 */
const settle = Effect.fn("loadProfile.scaleSettle")(function* (held: readonly string[]) {
  const jobEvidence = yield* JobEvidence;
  const began = yield* Clock.currentTimeMillis;
  const { jobs, events } = yield* pollUntil(
    jobEvidence.history,
    (h) => h.jobs.every(ended),
    "250 millis",
    `${SETTLE_WAIT_MS} millis`,
  );
  const verdict = checkHistory(jobs, events);
  const known = new Set(jobs.map((j) => j.id));
  const lost = [
    ...verdict.anomalies.filter((a) => a.kind === "lost").map((a) => a.jobId),
    ...held.filter((id) => !known.has(id)),
  ];
  const waitedMs = (yield* Clock.currentTimeMillis) - began;
  return {
    settle: { jobs: jobs.length, lost, waitedMs } satisfies ScaleSettle,
    events,
    duplicates: verdict.duplicates,
    overlaps: verdict.overlaps,
  };
});

/**
 * The level's new keys, each fetched from the provider exactly once: counted by the
 * instances' persisted events and by the upstream itself, never computed.
 */
const fetches = Effect.fn("loadProfile.scaleFetches")(function* (level: string) {
  const evidence = yield* Evidence;
  const ranges = yield* (yield* Load).newKeys(level);
  const perKey = yield* Effect.forEach(
    ranges,
    (range) =>
      Effect.gen(function* () {
        const key = evidence.keyOf(range) ?? `${range.symbol} ${range.start}..${range.end}`;
        const events = evidence.keyOf(range) === null ? null : yield* evidence.barsEvents(key, 1);
        return {
          key,
          persisted: events?.providerFetches ?? 0,
          upstream: yield* evidence.upstreamFetches(range),
        };
      }),
    { concurrency: 4 },
  );
  const upstream = perKey.some((k) => k.upstream === null)
    ? null
    : perKey.reduce((a, k) => a + (k.upstream ?? 0), 0);
  return {
    keys: new Set(perKey.map((k) => k.key)).size,
    persisted: perKey.reduce((a, k) => a + k.persisted, 0),
    upstream,
    off: perKey
      .filter((k) => k.persisted !== 1 || (k.upstream !== null && k.upstream !== 1))
      .slice(0, OFF_SHOWN),
  } satisfies ScaleFetches;
});

/** Everything read once the scaled level is over: jobs settled, the stopped instance's attempts, fetches. */
export const scaleOutInAfter = Effect.fn("loadProfile.scaleOutInAfter")(function* (
  level: string,
  steps: ScaleSteps,
) {
  const s = yield* settle(steps.hold?.jobs ?? []);
  const { hold, ...rest } = steps;
  return {
    ...rest,
    ...(hold ? { hold } : {}),
    stoppedAttempts: attemptWindows(s.events)
      .filter((w) => steps.stopped !== null && w.instanceId === steps.stopped)
      .map((w) => ({ jobId: w.jobId, attempt: w.attempt, outcome: w.outcome })),
    duplicates: s.duplicates,
    overlaps: s.overlaps,
    settle: s.settle,
    fetches: yield* fetches(level),
  } satisfies ScaleOutInEvidence;
});
