import { Effect } from "effect";
import type { Check, Metrics } from "./schema.ts";
import { Progress } from "./services.ts";

/**
 * What a profile has found so far: its checks and metrics, each also reported to
 * Progress as it is decided (status readers and the live stream see them at once).
 */
export const findings = Effect.gen(function* () {
  const progress = yield* Progress;
  const checks: Check[] = [];
  const metrics: Metrics = {};
  return {
    checks,
    metrics,
    record: (c: Check) => Effect.sync(() => checks.push(c)).pipe(Effect.andThen(progress.check(c))),
    metric: (name: string, value: number | string | null) =>
      Effect.sync(() => {
        metrics[name] = value;
      }).pipe(Effect.andThen(progress.metric(name, value))),
  };
});
