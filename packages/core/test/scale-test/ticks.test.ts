import { describe, expect, it } from "@effect/vitest";
import { Clock, type Duration, Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { tickUntil, tickWithin } from "../../src/scale-test/poll.ts";

/** Runs a ticker (tickWithin unless told) on the test clock: the ticks' start times and when it returned (ms after it began). */
const ticked = (
  deadlineMs: number,
  every: Duration.Input,
  tick: Effect.Effect<unknown>,
  ticker: typeof tickUntil = tickWithin,
) =>
  Effect.gen(function* () {
    const t0 = yield* Clock.currentTimeMillis;
    const starts: number[] = [];
    const fiber = yield* Effect.forkChild(
      ticker(t0 + deadlineMs, every, () =>
        Clock.currentTimeMillis.pipe(
          Effect.tap((now) => Effect.sync(() => starts.push(now - t0))),
          Effect.andThen(tick),
        ),
      ).pipe(
        Effect.flatMap((n) => Clock.currentTimeMillis.pipe(Effect.map((t) => ({ n, t: t - t0 })))),
      ),
    );
    yield* TestClock.adjust("10 minutes");
    return { ...(yield* Fiber.join(fiber)), starts };
  });

describe("tickWithin (the quick memory soak's ticks)", () => {
  it.effect("ends with its last tick instead of sleeping past the deadline", () =>
    Effect.gen(function* () {
      // a 6-s cadence (the quick soak's backtests) over 10 s: ticks at 0 and 6 s, done at 6 s, not 12 s
      const r = yield* ticked(10_000, "6 seconds", Effect.void);
      expect(r.starts).toEqual([0, 6_000]);
      expect(r.n).toBe(2);
      expect(r.t).toBe(6_000);
    }),
  );

  it.effect("counts a tick's own length: the next would start too late, so it stops", () =>
    Effect.gen(function* () {
      // ticks of 1 s every 3 s after each ends: 0, 4, 8 s; the next (12 s) is past 10 s
      const r = yield* ticked(10_000, "3 seconds", Effect.sleep("1 second"));
      expect(r.starts).toEqual([0, 4_000, 8_000]);
      expect(r.t).toBe(9_000);
    }),
  );

  it.effect("still runs every tick that starts before the deadline", () =>
    Effect.gen(function* () {
      const r = yield* ticked(12_001, "6 seconds", Effect.void);
      expect(r.starts).toEqual([0, 6_000, 12_000]);
      expect(r.t).toBe(12_000);
    }),
  );
});

describe("tickUntil (a full soak, the load levels, the cache's spread)", () => {
  it.effect("runs the same ticks, then sleeps one interval past its last tick", () =>
    Effect.gen(function* () {
      const r = yield* ticked(10_000, "6 seconds", Effect.void, tickUntil);
      expect(r.starts).toEqual([0, 6_000]);
      expect(r.t).toBe(12_000);
    }),
  );
});
