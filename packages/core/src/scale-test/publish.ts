import { Effect } from "effect";
import type { ProfileResult } from "./check.ts";
import { Progress } from "./services/progress.ts";

/** Reports a judge's findings as they are decided, so status readers see them at once. */
export const publish = Effect.fn("publish")(function* (result: ProfileResult) {
  const progress = yield* Progress;
  yield* Effect.forEach(result.checks, progress.check, { discard: true });
  const readings = { ...result.metrics, ...result.notes, ...result.series };
  yield* Effect.forEach(Object.entries(readings), ([k, v]) => progress.metric(k, v), {
    discard: true,
  });
  return result;
});
