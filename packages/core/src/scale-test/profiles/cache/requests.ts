import { Effect } from "effect";
import { answered } from "../../answers.ts";
import type { Answer, BarsRange } from "../../data.ts";
import { ask } from "../../poll.ts";
import { Progress } from "../../services/progress.ts";
import { Target } from "../../services/target.ts";
import type { CacheRequest, Key } from "./evidence.ts";

/** The cache profile's bars requests, each recorded as evidence and observed as it happens. */
export const makeRequestLog = Effect.gen(function* () {
  const target = yield* Target;
  const progress = yield* Progress;
  const requests: CacheRequest[] = [];
  const get = (range: BarsRange, pin: string | null) =>
    target.get({
      path: "/api/bars",
      query: { symbol: range.symbol, tf: range.tf, start: range.start, end: range.end },
      ...(pin === null ? {} : { pin }),
    });
  const record = (step: string, key: Key, answer: Answer) =>
    Effect.sync(() => requests.push({ key, step, answer })).pipe(
      Effect.andThen(
        answer._tag === "Answered" ? progress.observe(step, answer.response, key) : Effect.void,
      ),
    );
  return {
    requests,
    /** A request the run cannot measure without (the warm-up): unanswered, the run fails. */
    must: (step: string, range: BarsRange, key: Key) =>
      get(range, null).pipe(Effect.tap((r) => record(step, key, answered(r)))),
    /** Any other request: unanswered is evidence (a failed request), never an abort. */
    send: (step: string, range: BarsRange, key: Key, pin: string | null = null) =>
      ask(get(range, pin)).pipe(Effect.tap((a) => record(step, key, a))),
    /** A request observed like the others but kept out of the run's list (the takeover's: its step judges it). */
    sendApart: (step: string, range: BarsRange, key: Key, pin: string | null) =>
      ask(get(range, pin)).pipe(
        Effect.tap((a) =>
          a._tag === "Answered" ? progress.observe(step, a.response, key) : Effect.void,
        ),
      ),
  };
});

export type RequestLog = Effect.Success<typeof makeRequestLog>;
