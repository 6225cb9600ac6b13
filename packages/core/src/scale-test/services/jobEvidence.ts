import { Context, Effect, Layer } from "effect";
import type { ExecutionEvent, JobRecord } from "../../jobs/events.ts";
import { World } from "../testing/world.ts";

/** The job queue's own records for this run: jobs and every execution event. */
export class JobEvidence extends Context.Service<
  JobEvidence,
  {
    readonly history: Effect.Effect<{
      readonly jobs: readonly JobRecord[];
      readonly events: readonly ExecutionEvent[];
    }>;
  }
>()("@scaleproof/core/JobEvidence") {
  /** In memory: the `World`'s job history for every job enqueued so far. */
  static readonly layerTest = Layer.effect(
    JobEvidence,
    World.useSync((world) =>
      JobEvidence.of({ history: Effect.sync(() => world.jobHistory(world.enqueued)) }),
    ),
  );
}
