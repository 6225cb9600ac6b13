import { Clock, Effect } from "effect";
import type { BarsRange } from "../../data.ts";
import { tickUntil } from "../../poll.ts";
import type { Tracker } from "../../progress/tracker.ts";
import type { Key } from "./evidence.ts";
import { instancesWithHit } from "./evidence.ts";
import type { RequestLog } from "./requests.ts";

/**
 * Cross-instance: requests through the balancer, one key at a time, until two instances
 * have hit it (sequential requests through a round-robin balancer visit every instance;
 * alternating keys would alias with two instances: A always on one, B on the other).
 */
export const crossInstanceStep = (
  log: RequestLog,
  ranges: Readonly<Record<Key, BarsRange>>,
  budget: number,
  expectedInstances: number | null,
) =>
  Effect.forEach(
    ["A", "B"] as const,
    (key) => {
      let sent = 0;
      const want = Math.min(2, expectedInstances ?? 2);
      return log.send("cross-instance", ranges[key], key).pipe(
        Effect.map(() => ++sent),
        Effect.repeat({
          until: (n) => n >= budget || (n >= 4 && instancesWithHit(log.requests, key) >= want),
        }),
      );
    },
    { discard: true },
  );

/** Sustain (full runs): both keys every second until the deadline, for the hit rate and latency. */
export const sustainStep = (
  log: RequestLog,
  ranges: Readonly<Record<Key, BarsRange>>,
  tracker: Tracker,
  deadline: number,
) =>
  Effect.gen(function* () {
    const from = yield* Clock.currentTimeMillis;
    const span = Math.max(1, deadline - from);
    yield* tickUntil(deadline, "1 second", () =>
      Effect.forEach(["A", "B"] as const, (k) => log.send("sustain", ranges[k], k), {
        concurrency: 2,
      }).pipe(
        Effect.andThen(Clock.currentTimeMillis),
        Effect.flatMap((now) => tracker.at("sustain", (now - from) / span)),
      ),
    );
  });
