import { Context, Effect, Layer } from "effect";
import type { TargetResponse } from "../data.ts";
import type { Reading } from "../metrics/schema.ts";
import type { ProgressReport } from "../progress/plan.ts";
import type { Check } from "../schema.ts";
import { World } from "../testing/world.ts";

/** Where a run reports as it goes: status readers and the progress subscription see this. */
export class Progress extends Context.Service<
  Progress,
  {
    /** The step, its own progress and the run's, weighted by planned time (see `progress/plan.ts`). */
    readonly report: (report: ProgressReport) => Effect.Effect<void>;
    readonly check: (check: Check) => Effect.Effect<void>;
    readonly metric: (name: string, value: Reading) => Effect.Effect<void>;
    readonly observe: (
      step: string,
      response: TargetResponse,
      label: string,
    ) => Effect.Effect<void>;
  }
>()("@scaleproof/core/Progress") {
  /** In memory: every report, check and metric lands in the `World` for the test to read. */
  static readonly layerTest = Layer.effect(
    Progress,
    World.useSync((world) =>
      Progress.of({
        report: (r) => Effect.sync(() => void world.reports.push(r)),
        check: (c) => Effect.sync(() => void world.checks.push(c)),
        metric: (name, value) =>
          Effect.sync(() => {
            world.metrics[name] = value;
          }),
        observe: () => Effect.void,
      }),
    ),
  );
}
