import { Context, Effect, Layer } from "effect";
import { World } from "../testing/world.ts";

/** The load balancer's instance count, when the runner may change it (the local cluster). */
export class Scaler extends Context.Service<
  Scaler,
  {
    readonly available: boolean;
    /** Send traffic to at most `n` instances; null: to all of them. */
    readonly limit: (n: number | null) => Effect.Effect<void>;
  }
>()("@scaleproof/core/Scaler") {
  /** In memory: narrows the `World`'s balancer and records every limit set. */
  static readonly layerTest = Layer.effect(
    Scaler,
    World.useSync((world) =>
      Scaler.of({
        available: world.options.scalable === true,
        limit: (n) =>
          Effect.sync(() => {
            world.balancer.limit = n;
            world.limits.push(n);
          }),
      }),
    ),
  );
}
