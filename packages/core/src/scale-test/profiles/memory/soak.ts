import { Clock, Duration, Effect } from "effect";
import type { Answer } from "../../data.ts";
import { ask, tickUntil, tickWithin } from "../../poll.ts";
import type { Tracker } from "../../progress/tracker.ts";
import type { RunParams } from "../../schema.ts";
import { Target } from "../../services/target.ts";
import type { Workload } from "./evidence.ts";
import { cadenceScale } from "./plan.ts";

/** A different key each time: the day's first hours, shifted by whole minutes. */
const newKey = (day: { start: string; end: string }, tick: number) => {
  const start = Date.parse(day.start) + ((tick * 7) % 600) * 60_000;
  const end = Math.min(Date.parse(day.end), start + 4 * 3_600_000);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
};

export const isShed = (a: Answer) =>
  a._tag === "Answered" && a.response.status === 503 && a.response.errorCode === "MEMORY_PRESSURE";
export const isServed = (a: Answer) =>
  a._tag === "Answered" && (a.response.status === 200 || a.response.status === 202);

/**
 * Counts answers as they come back: the runner is an instance too, and its heap is
 * judged like the others', so it keeps durations and failures, not every answer.
 */
export const makeTally = () => {
  const servedMs: number[] = [];
  const failed: Answer[] = [];
  let requests = 0;
  let shed = 0;
  return {
    add: (a: Answer) =>
      Effect.sync(() => {
        requests++;
        if (isServed(a) && a._tag === "Answered") servedMs.push(a.response.durationMs);
        else if (isShed(a)) shed++;
        else failed.push(a);
      }),
    workload: (): Workload => ({ requests, servedMs: [...servedMs], shed, failed: [...failed] }),
  };
};

/**
 * The soak: cached bars on the same key every 10 s (and a new key every other time), a
 * small backtest every 60 s, two steady readers every second, through the warm-up and
 * then the judged soak (one workload, no gap between them). Every request is counted
 * as evidence, answered or not.
 */
export const soakStep = Effect.fn("memoryProfile.soak")(function* (
  params: RunParams,
  day: { readonly start: string; readonly end: string },
  tracker: Tracker,
  timing: { readonly warmupMs: number; readonly soakMs: number },
) {
  const target = yield* Target;
  const tally = makeTally();
  const started = yield* Clock.currentTimeMillis;
  const from = started + timing.warmupMs;
  const deadline = from + timing.soakMs;
  const every = (ms: number) => Duration.millis(Math.round(ms * cadenceScale(params.quick)));
  // Quick: the soak ends at its deadline, not up to a backtest interval (6 s) later
  // sleeping idle: its 30-s windows end at 60 s, so that tail was judged by none of them.
  // A full run keeps its tail (up to 60 s), which its span-certified rss still reads.
  const ticks = params.quick ? tickWithin : tickUntil;
  const bars = (range: { start: string; end: string }) =>
    ask(
      target.get({
        path: "/api/bars",
        query: { symbol: params.symbol, tf: params.tf, ...range },
      }),
    ).pipe(Effect.tap(tally.add));
  const backtest = (tick: number) =>
    ask(
      target.post({
        path: "/api/backtests",
        body: {
          symbol: params.symbol,
          tf: params.tf,
          start: day.start,
          end: day.end,
          fast: 5 + (tick % 10),
          slow: 40,
          idempotencyKey: `${target.runId}:m:${tick}`,
        },
      }),
    ).pipe(Effect.tap(tally.add));
  const reader = ticks(deadline, "1 second", () => bars(day));
  const progress = Clock.currentTimeMillis.pipe(
    Effect.flatMap((now) =>
      now < from
        ? tracker.at("warmup", (now - started) / Math.max(1, timing.warmupMs))
        : tracker.at("soak", (now - from) / Math.max(1, timing.soakMs)),
    ),
  );
  yield* Effect.all(
    [
      ticks(deadline, every(10_000), (tick) =>
        bars(day).pipe(Effect.andThen(tick % 2 === 1 ? bars(newKey(day, tick)) : Effect.void)),
      ),
      ticks(deadline, every(60_000), backtest),
      reader,
      reader,
      ticks(deadline, "1 second", () => progress),
    ],
    { concurrency: "unbounded", discard: true },
  );
  return {
    started,
    soak: { from, to: yield* Clock.currentTimeMillis },
    workload: tally.workload(),
  };
});
