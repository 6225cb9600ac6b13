import { Clock, Duration, Effect, Schedule } from "effect";
import { answered } from "./answers.ts";
import type { Answer, TargetResponse } from "./data.ts";
import type { TargetUnreachable } from "./errors.ts";

/** Poll every `every` until `done`, for at most `within`; succeeds with the LAST value seen. */
export const pollUntil = <A, E, R>(
  probe: Effect.Effect<A, E, R>,
  done: (a: A) => boolean,
  every: Duration.Input,
  within: Duration.Input,
) =>
  probe.pipe(
    Effect.repeat({
      schedule: Schedule.spaced(every).pipe(Schedule.upTo({ duration: within })),
      until: done,
    }),
  );

/**
 * Runs `tick(0)`, `tick(1)`, … every `every` (spaced: after each tick ends) while the
 * clock is before `deadline` (ms); a tick never starts at or after it. Returns the ticks run.
 * After its last tick it still sleeps `every` before it sees the deadline has passed.
 */
export const tickUntil = <E, R>(
  deadline: number,
  every: Duration.Input,
  tick: (n: number) => Effect.Effect<unknown, E, R>,
): Effect.Effect<number, E, R> => ticking(deadline, every, tick, false);

/**
 * `tickUntil` that ends with its last tick: the same ticks at the same times, but when
 * the next one could only start at or after the deadline it does not sleep towards it.
 */
export const tickWithin = <E, R>(
  deadline: number,
  every: Duration.Input,
  tick: (n: number) => Effect.Effect<unknown, E, R>,
): Effect.Effect<number, E, R> => ticking(deadline, every, tick, true);

const ticking = <E, R>(
  deadline: number,
  every: Duration.Input,
  tick: (n: number) => Effect.Effect<unknown, E, R>,
  endWithLastTick: boolean,
): Effect.Effect<number, E, R> =>
  Effect.suspend(() => {
    let ticks = 0;
    const everyMs = Duration.toMillis(every);
    // true while another tick may start before the deadline
    const once = Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) =>
        now < deadline
          ? tick(ticks++).pipe(
              Effect.andThen(Clock.currentTimeMillis),
              Effect.map((end) => !endWithLastTick || end + everyMs < deadline),
            )
          : Effect.succeed(false),
      ),
    );
    return once.pipe(
      Effect.repeat({ schedule: Schedule.spaced(every), while: (more) => more }),
      Effect.map(() => ticks),
    );
  });

/** A request as evidence: its response, or that it went unanswered (counted, never dropped). */
export const ask = <R>(
  request: Effect.Effect<TargetResponse, TargetUnreachable, R>,
): Effect.Effect<Answer, never, R> =>
  request.pipe(
    Effect.map(answered),
    Effect.catchTag("TargetUnreachable", (e) =>
      Effect.succeed<Answer>({ _tag: "Unreachable", message: e.message }),
    ),
  );
