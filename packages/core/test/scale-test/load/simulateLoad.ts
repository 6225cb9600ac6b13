import { type Duration, Effect, Fiber } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { levelRowsOf } from "../../../src/scale-test/profiles/load/rows.ts";
import { runProfile } from "../../../src/scale-test/registry.ts";
import { type RunInput, runInput } from "../../../src/scale-test/schema.ts";
import { Load } from "../../../src/scale-test/services/load.ts";
import { layerTestSystem } from "../../../src/scale-test/testing/layer.ts";
import type { LoadModel } from "../../../src/scale-test/testing/load.ts";
import { World, type WorldOptions } from "../../../src/scale-test/testing/world.ts";

/**
 * Runs the load profile against the in-memory cluster on the test clock, with `model`
 * breaking what the test wants broken; returns the outcome, the world and the level rows
 * the run published.
 */
export const simulateLoad = (
  input: Omit<RunInput, "profile">,
  model: LoadModel = {},
  advance: Duration.Input = "5 minutes",
  options: WorldOptions = {},
) =>
  Effect.gen(function* () {
    const world = yield* World;
    const fiber = yield* Effect.forkChild(
      runProfile(runInput.parse({ ...input, profile: "load" })),
    );
    yield* TestClock.adjust(advance);
    const outcome = yield* Fiber.join(fiber);
    return { ...outcome, world, rows: levelRowsOf(outcome.series ?? {}) };
  }).pipe(Effect.provide(Load.layerModel(model)), Effect.provide(layerTestSystem(options)));
