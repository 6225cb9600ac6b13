import { Context, type Effect, Layer } from "effect";
import type { TargetRequest, TargetResponse } from "../data.ts";
import type { TargetUnreachable } from "../errors.ts";
import { fakeTarget } from "../testing/target.ts";
import { World } from "../testing/world.ts";

/** The system under test, reached over HTTP at its public URL; every request carries the run id. */
export class Target extends Context.Service<
  Target,
  {
    readonly url: string;
    /** The run these requests belong to (sent as `x-scale-test-run`). */
    readonly runId: string;
    readonly get: (req: TargetRequest) => Effect.Effect<TargetResponse, TargetUnreachable>;
    /** A JSON POST; the parsed JSON answer comes back with the response facts. */
    readonly post: (req: {
      readonly path: string;
      readonly body: unknown;
      readonly pin?: string;
    }) => Effect.Effect<TargetResponse & { readonly json: unknown }, TargetUnreachable>;
  }
>()("@scaleproof/core/Target") {
  /** In memory: the `World`'s instances behind a round-robin balancer, one shared cache, a queue. */
  static readonly layerTest = Layer.effect(
    Target,
    World.useSync((world) => Target.of(fakeTarget(world))),
  );
}
