import { Clock, Effect } from "effect";
import { Progress } from "../services/progress.ts";
import { type Plan, reportAt } from "./plan.ts";

/**
 * Reports a profile's position in its plan through Progress: the step, the step's own
 * progress during long steps, and the time elapsed since the tracker was made.
 */
export const makeTracker = (plan: Plan) =>
  Effect.gen(function* () {
    const progress = yield* Progress;
    const startedAt = yield* Clock.currentTimeMillis;
    return {
      startedAt,
      at: (step: string, stepFraction = 0) =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((now) =>
            progress.report(reportAt(plan, step, stepFraction, now - startedAt)),
          ),
        ),
    };
  });

export type Tracker = Effect.Success<ReturnType<typeof makeTracker>>;
