import { type Duration, Effect, Fiber } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { runProfile } from "../../src/scale-test/registry.ts";
import { type Check, type RunInput, runInput } from "../../src/scale-test/schema.ts";
import { layerTestSystem } from "../../src/scale-test/testing/layer.ts";
import { World, type WorldOptions } from "../../src/scale-test/testing/world.ts";

/**
 * Runs a profile against the in-memory system on the test clock: `advance` of virtual
 * time passes in milliseconds of test time. Returns the outcome and the world it ran in.
 */
export const simulate = (
  input: RunInput,
  options: WorldOptions = {},
  advance: Duration.Input = "5 minutes",
) =>
  Effect.gen(function* () {
    const world = yield* World;
    const fiber = yield* Effect.forkChild(runProfile(runInput.parse(input)));
    yield* TestClock.adjust(advance);
    const outcome = yield* Fiber.join(fiber);
    return { ...outcome, world };
  }).pipe(Effect.provide(layerTestSystem(options)));

export const checkNamed = (r: { readonly checks: readonly Check[] }, name: string): Check => {
  const c = r.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c;
};

/** The steps a run reported, in order, each once. */
export const stepsOf = (world: World["Service"]) =>
  world.reports.map((r) => r.step).filter((s, i, all) => s !== all[i - 1]);
