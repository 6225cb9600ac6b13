import { Clock, Duration, Effect } from "effect";
import type { MemoryPoint } from "../../data.ts";
import type { Judged, Profile } from "../../profile.ts";
import type { Tracker } from "../../progress/tracker.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { MemoryEvidence } from "../../services/memoryEvidence.ts";
import type { HeapSeries, StreamsEvidence } from "./evidence.ts";
import { judgeStreams } from "./judge.ts";
import { baselineMsOf, holdMsOf, STREAM_COUNT, STREAMS_DEFAULT_MIN, streamsPlan } from "./plan.ts";
import { Streams } from "./service.ts";

/**
 * Long-lived connections: the runner holds 20 progress streams (SSE) of its own run open
 * through the front door for the hold (seed 5 min, quick 30 s) while it reports progress
 * every second. Verdict: every stream connected, none dropped, events reached all of
 * them, each instance's heap flat per connection, and the database queries the streams
 * cost (queries/s held minus queries/s after they closed) do not grow with subscribers.
 */
export const streamsProfile: Profile = {
  name: "streams",
  title: "Long-lived connections",
  defaultDurationMin: STREAMS_DEFAULT_MIN,
  plan: streamsPlan,
  run: (params) => runStreams(params),
};

/** Reports the step's progress once a second for `ms`. */
const tick = (tracker: Tracker, step: string, ms: number) =>
  Effect.gen(function* () {
    const seconds = Math.max(1, Math.round(ms / 1000));
    for (let s = 1; s <= seconds; s++) {
      yield* Effect.sleep(Duration.seconds(1));
      yield* tracker.at(step, s / seconds);
    }
  });

export const heapSeriesOf = (
  samples: readonly MemoryPoint[],
  instanceIds: readonly string[],
  from: number,
  to: number,
): HeapSeries[] =>
  instanceIds.map((instanceId) => {
    const mine = samples.filter((p) => p.instanceId === instanceId && p.at >= from && p.at <= to);
    const postGc = mine.filter((p) => p.postGcHeap !== null);
    return postGc.length >= 3
      ? {
          instanceId,
          series: "postGcHeap",
          points: postGc.map((p) => ({ t: p.at, y: p.postGcHeap as number })),
        }
      : { instanceId, series: "heapUsed", points: mine.map((p) => ({ t: p.at, y: p.heapUsed })) };
  });

const runStreams = Effect.fn("streamsProfile")(function* (params: RunParams) {
  const streams = yield* Streams;
  const memory = yield* MemoryEvidence;
  const tracker = yield* makeTracker(streamsPlan(params));
  const holdMs = holdMsOf(params);

  yield* tracker.at("open");
  yield* streams.open(STREAM_COUNT);
  const opened = yield* streams.reports;
  const instanceIds = [
    ...new Set(opened.flatMap((s) => (s.instanceId ? [s.instanceId] : []))),
  ].sort();

  yield* tracker.at("hold");
  const holdStart = yield* streams.queries(instanceIds);
  const started = yield* Clock.currentTimeMillis;
  yield* tick(tracker, "hold", holdMs);
  const holdEnd = yield* streams.queries(instanceIds);
  const ended = yield* Clock.currentTimeMillis;

  yield* tracker.at("close");
  const reports = yield* streams.close;

  // The same progress reports without subscribers: what the run itself costs the database.
  yield* tracker.at("baseline");
  const baselineStart = yield* streams.queries(instanceIds);
  yield* tick(tracker, "baseline", baselineMsOf(params));
  const baselineEnd = yield* streams.queries(instanceIds);

  yield* tracker.at("verdict");
  const ev: StreamsEvidence = {
    connections: STREAM_COUNT,
    holdMs,
    streams: reports,
    heap: heapSeriesOf(yield* memory.samples, instanceIds, started, ended),
    queries: { source: "metrics", holdStart, holdEnd, baselineStart, baselineEnd },
  };
  const result = yield* publish(judgeStreams(ev, params.thresholds));
  return { ...result, evidence: { profile: "streams", streams: ev } } satisfies Judged;
});
