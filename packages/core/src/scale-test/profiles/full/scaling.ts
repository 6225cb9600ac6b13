import { Clock, Duration, Effect } from "effect";
import type { Answer } from "../../data.ts";
import { ask } from "../../poll.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { Scaler } from "../../services/scaler.ts";
import { Target } from "../../services/target.ts";
import { lastTradingDays } from "../../tradingDays.ts";
import type { ScalingEvidence } from "./evidence.ts";
import { SCALING_RATE_PER_S, scalingSeconds } from "./plan.ts";

/**
 * p95 at a fixed request rate with one instance, then with all (open loop: requests are
 * sent on schedule, not after the last answer); the pool is restored whatever happens.
 * Null where the runner cannot change the instance count.
 */
export const measureScaling = Effect.fn("fullProfile.scaling")(function* (params: RunParams) {
  const scaler = yield* Scaler;
  if (!scaler.available) return null;
  const target = yield* Target;
  const day = params.ranges?.[0] ?? lastTradingDays(yield* (yield* Evidence).availableRange, 1);
  const n = SCALING_RATE_PER_S * scalingSeconds(params);
  const request = ask(
    target.get({
      path: "/api/bars",
      query: { symbol: params.symbol, tf: params.tf, start: day.start, end: day.end },
    }),
  );
  const measure = (limit: number | null) =>
    Effect.gen(function* () {
      yield* scaler.limit(limit);
      const t0 = yield* Clock.currentTimeMillis;
      return yield* Effect.forEach(
        Array.from({ length: n }, (_, i) => i),
        (i): Effect.Effect<Answer> =>
          Clock.currentTimeMillis.pipe(
            Effect.flatMap((now) => {
              const wait = t0 + (i * 1000) / SCALING_RATE_PER_S - now;
              return wait > 0 ? Effect.sleep(Duration.millis(Math.round(wait))) : Effect.void;
            }),
            Effect.andThen(request),
          ),
        { concurrency: "unbounded" },
      );
    });
  return yield* Effect.gen(function* () {
    const one = yield* measure(1);
    const all = yield* measure(null);
    return { ratePerS: SCALING_RATE_PER_S, one, all } satisfies ScalingEvidence;
  }).pipe(Effect.ensuring(scaler.limit(null)));
});
