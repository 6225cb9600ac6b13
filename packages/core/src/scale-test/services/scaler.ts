import { Context, Effect, Layer } from "effect";
import { World } from "../testing/world.ts";

/** The load balancer's instance count, when the runner may change it (the local cluster). */
export class Scaler extends Context.Service<
  Scaler,
  {
    readonly available: boolean;
    /** Send traffic to at most `n` instances; null: to all of them. */
    readonly limit: (n: number | null) => Effect.Effect<void>;
    /** Scale out: one more instance, in rotation once ready; its id. */
    readonly add: Effect.Effect<string>;
    /** Scale in gracefully: drained in the balancer, then stopped with SIGTERM. */
    readonly stop: (instanceId: string) => Effect.Effect<void>;
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
        add: Effect.sync(() => {
          const id = `i${world.instances.length + 1}`;
          world.instances.push(id);
          return id;
        }),
        stop: (instanceId) =>
          Effect.sync(() => {
            const i = world.instances.indexOf(instanceId);
            if (i >= 0) world.instances.splice(i, 1);
          }),
      }),
    ),
  );
}
