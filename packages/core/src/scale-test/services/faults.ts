import { Context, Effect, Layer } from "effect";
import type { ActiveFault } from "../data.ts";
import { World } from "../testing/world.ts";

/**
 * Faults that cannot take a process down, which a run may aim at its own runner's
 * instance: a stalled worker keeps its process (and the runner in it) alive. The jobs
 * profile aims its stall there when the crash, which must spare the runner, takes the
 * other instance (on two instances both would otherwise land on the same one).
 */
export const RUNNER_SAFE_FAULTS: readonly string[] = ["stall-heartbeat"];

/**
 * The `spareInstance` param a run's fault is armed with: the runner, unless the fault is
 * aimed at the runner itself and cannot take it down (`RUNNER_SAFE_FAULTS`).
 */
export const runnerSpare = (
  name: string,
  instanceId: string | undefined,
  runner: string,
): { readonly spareInstance?: string } =>
  instanceId === runner && RUNNER_SAFE_FAULTS.includes(name) ? {} : { spareInstance: runner };

/** Faults in the system under test: a run reports the active ones, and may arm one-shot faults. */
export class Faults extends Context.Service<
  Faults,
  {
    readonly active: Effect.Effect<readonly ActiveFault[]>;
    /**
     * Arms a fault (on one instance, or on all); false when this deployment does not
     * allow fault injection. A run's faults never hit its runner (`spared`), except a
     * runner-safe fault aimed at it (`runnerSpare`).
     */
    readonly inject: (
      name: string,
      params: Readonly<Record<string, string | number>>,
      instanceId?: string,
    ) => Effect.Effect<boolean>;
    /** The instance armed faults spare: the runner's own (null when it cannot tell). */
    readonly spared: string | null;
    readonly clear: (name: string) => Effect.Effect<void>;
  }
>()("@scaleproof/core/Faults") {
  /** In memory: armed faults are listed in the `World` (and disarmed from it). */
  static readonly layerTest = Layer.effect(
    Faults,
    World.useSync((world) =>
      Faults.of({
        active: Effect.succeed([]),
        inject: (name, _params, instanceId) =>
          Effect.sync(() => {
            if (world.options.faultsEnabled === false) return false;
            world.armed.push(name);
            world.aims.set(name, instanceId ?? null);
            return true;
          }),
        spared: world.options.runner ?? "i1",
        clear: (name) =>
          Effect.sync(() => {
            const i = world.armed.indexOf(name);
            if (i >= 0) world.armed.splice(i, 1);
          }),
      }),
    ),
  );
}
