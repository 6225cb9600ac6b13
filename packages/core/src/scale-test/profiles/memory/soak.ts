import { Clock, Duration, Effect } from "effect";
import type { Answer } from "../../data.ts";
import { ask, tickUntil } from "../../poll.ts";
import type { Tracker } from "../../progress/tracker.ts";
import type { RunParams } from "../../schema.ts";
import { Target } from "../../services/target.ts";
import { cadenceScale } from "./plan.ts";

/** A different key each time: the day's first hours, shifted by whole minutes. */
const newKey = (day: { start: string; end: string }, tick: number) => {
  const start = Date.parse(day.start) + ((tick * 7) % 600) * 60_000;
  const end = Math.min(Date.parse(day.end), start + 4 * 3_600_000);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
};

/**
 * The soak: cached bars on the same key every 10 s (and a new key every other time), a
 * small backtest every 60 s, two steady readers every second, until `soakMs` has passed.
 * Every request is kept as evidence, answered or not.
 */
export const soakStep = Effect.fn("memoryProfile.soak")(function* (
  params: RunParams,
  day: { readonly start: string; readonly end: string },
  tracker: Tracker,
  soakMs: number,
) {
  const target = yield* Target;
  const answers: Answer[] = [];
  const started = yield* Clock.currentTimeMillis;
  const deadline = started + soakMs;
  const every = (ms: number) => Duration.millis(Math.round(ms * cadenceScale(params.quick)));
  const keep = (a: Answer) => Effect.sync(() => void answers.push(a));
  const bars = (range: { start: string; end: string }) =>
    ask(
      target.get({
        path: "/api/bars",
        query: { symbol: params.symbol, tf: params.tf, ...range },
      }),
    ).pipe(Effect.tap(keep));
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
    ).pipe(Effect.tap(keep));
  const reader = tickUntil(deadline, "1 second", () => bars(day));
  yield* Effect.all(
    [
      tickUntil(deadline, every(10_000), (tick) =>
        bars(day).pipe(Effect.andThen(tick % 2 === 1 ? bars(newKey(day, tick)) : Effect.void)),
      ),
      tickUntil(deadline, every(60_000), backtest),
      reader,
      reader,
      tickUntil(deadline, "1 second", () =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((now) => tracker.at("soak", (now - started) / soakMs)),
        ),
      ),
    ],
    { concurrency: "unbounded", discard: true },
  );
  return { started, answers };
});
