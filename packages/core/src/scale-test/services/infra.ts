import { Clock, Context, Effect, Layer } from "effect";
import { World } from "../testing/world.ts";

/** The system's own dependencies a run may restart (only where the platform was told it may). */
export type Dependency = "redis" | "postgres";

/** When a restarted dependency went down and when it accepted connections again (epoch ms). */
export interface RestartWindow {
  readonly downAt: number;
  readonly upAt: number;
}

/** Restarts of the system's Redis and Postgres: the local platform's, never anyone else's. */
export class Infra extends Context.Service<
  Infra,
  {
    readonly restartable: Readonly<Record<Dependency, boolean>>;
    /** Stops it, leaves it down `downMs`, starts it; succeeds once it accepts connections. */
    readonly restart: (name: Dependency, downMs: number) => Effect.Effect<RestartWindow>;
  }
>()("@scaleproof/core/Infra") {
  /**
   * In memory: down `stopMs` after it is asked for (the world's option), for `downMs`; a
   * Redis restart wipes the shared cache, its leases and the run's counters.
   */
  static readonly layerTest = Layer.effect(
    Infra,
    World.useSync((world) =>
      Infra.of({
        restartable: {
          redis: world.options.restartable?.includes("redis") === true,
          postgres: world.options.restartable?.includes("postgres") === true,
        },
        restart: (name, downMs) =>
          Effect.gen(function* () {
            yield* Effect.sleep(world.options.stopMs ?? 0);
            world.down.add(name);
            const back = Effect.sync(() => world.down.delete(name));
            const downAt = yield* Clock.currentTimeMillis;
            if (name === "redis") {
              world.cache.clear();
              world.leases.clear();
              Object.assign(world.counters, {
                cache_hit: 0,
                cache_miss: 0,
                provider_fetch: 0,
                lock_waits: 0,
              });
            }
            yield* Effect.sleep(world.options.downMs ?? downMs).pipe(Effect.ensuring(back));
            world.restarts.push(name);
            return { downAt, upAt: yield* Clock.currentTimeMillis };
          }),
      }),
    ),
  );
}
