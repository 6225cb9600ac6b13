import { Clock, Duration, Effect, Fiber, Schedule } from "effect";
import type { Tracker } from "../../progress/tracker.ts";
import { Ingest } from "../../services/ingest.ts";
import { withRetries } from "../../services/writeReply.ts";
import type { RecordedBar, SnapshotBody } from "./data.ts";
import type { LevelRun, SendRecord } from "./evidence.ts";
import { type IngestLevel, levelStep } from "./plan.ts";
import { snapshotOf } from "./snapshots.ts";

/** Instances seen answering, with the latest boot id each answered with. */
export type Seen = Map<string, string | null>;

const outcomeOf = (json: unknown, id: string): "stored" | "duplicate" | null => {
  const results = (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return null;
  const mine = results.find((r) => (r as { id?: unknown }).id === id) as
    | { outcome?: unknown }
    | undefined;
  return mine?.outcome === "stored" || mine?.outcome === "duplicate" ? mine.outcome : null;
};

/**
 * One snapshot through the balancer, sent again (same id) while unanswered or answered
 * 429/502/503/504: a retry is safe because the id makes it idempotent. 200 acknowledges.
 */
export const sendOne = (s: SnapshotBody, level: number, intendedAt: number, seen: Seen) =>
  Effect.gen(function* () {
    const ingest = yield* Ingest;
    const { reply, answers, unreachable } = yield* withRetries(ingest.send([s]));
    const at = yield* Clock.currentTimeMillis;
    if (reply?.instanceId)
      seen.set(reply.instanceId, reply.bootId ?? seen.get(reply.instanceId) ?? null);
    const acked = reply?.status === 200;
    return {
      seq: s.producer.seq,
      id: s.id,
      level,
      hash: ingest.hash(s),
      intendedAt,
      answers,
      ackedAt: acked ? at : null,
      ackedBy: acked ? (reply.instanceId ?? null) : null,
      outcome: acked ? outcomeOf(reply.json, s.id) : null,
      refusal: acked
        ? null
        : reply
          ? `${reply.status} ${reply.errorCode ?? ""}`.trim()
          : `unreachable: ${unreachable ?? "?"}`,
    } satisfies SendRecord;
  });

/**
 * One level, open loop: snapshot i goes at `start + i / rate` whatever happened to the
 * ones before (a slow answer never delays the next send), each built from the recorded
 * bars; the level ends when every send has its final answer. `during` runs alongside
 * (the crash, in its level) and its result comes back with the level's.
 */
export const runLevel = <A, R>(o: {
  readonly runId: string;
  readonly instrument: string;
  readonly bars: readonly RecordedBar[];
  readonly firstSeq: number;
  readonly level: IngestLevel;
  readonly seen: Seen;
  readonly tracker: Tracker;
  readonly during: (startedAt: number) => Effect.Effect<A, never, R>;
}) =>
  Effect.gen(function* () {
    const { level } = o;
    const step = levelStep(level.rate);
    yield* o.tracker.at(step);
    const startedAt = yield* Clock.currentTimeMillis;
    const n = Math.max(1, Math.round((level.rate * level.durationMs) / 1000));
    const ticker = yield* Effect.forkChild(
      Clock.currentTimeMillis.pipe(
        Effect.flatMap((now) => o.tracker.at(step, (now - startedAt) / level.durationMs)),
        Effect.repeat(Schedule.spaced("1 second")),
      ),
    );
    const side = yield* Effect.forkChild(o.during(startedAt));
    const sends = yield* Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) =>
        Effect.gen(function* () {
          const intendedAt = startedAt + Math.round((i * 1000) / level.rate);
          const now = yield* Clock.currentTimeMillis;
          if (intendedAt > now) yield* Effect.sleep(Duration.millis(intendedAt - now));
          const s = snapshotOf(o.runId, o.instrument, o.bars, o.firstSeq + i);
          return yield* sendOne(s, level.index, intendedAt, o.seen);
        }),
      { concurrency: "unbounded" },
    );
    yield* Fiber.interrupt(ticker);
    const during = yield* Fiber.join(side);
    const run: LevelRun = {
      index: level.index,
      rate: level.rate,
      durationMs: level.durationMs,
      gatePct: level.gatePct,
      startedAt,
    };
    return { run, sends, during };
  });
