import { type Duration, Effect, Fiber, Layer } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { runProfile } from "../../../src/scale-test/registry.ts";
import { type RunInput, runInput } from "../../../src/scale-test/schema.ts";
import { Ingest } from "../../../src/scale-test/services/ingest.ts";
import { Uploads } from "../../../src/scale-test/services/uploads.ts";
import type { IngestModel } from "../../../src/scale-test/testing/ingest.ts";
import { layerTestSystem } from "../../../src/scale-test/testing/layer.ts";
import type { UploadsModel } from "../../../src/scale-test/testing/uploads.ts";
import { World, type WorldOptions } from "../../../src/scale-test/testing/world.ts";

/**
 * Runs a write profile against the in-memory system on the test clock, with the ingest
 * and uploads services' models in place of the healthy ones.
 */
export const simulateWrites = (
  input: RunInput,
  o: {
    readonly world?: WorldOptions;
    readonly ingest?: IngestModel;
    readonly uploads?: UploadsModel;
  },
  advance: Duration.Input = "10 minutes",
) =>
  Effect.gen(function* () {
    const world = yield* World;
    const fiber = yield* Effect.forkChild(runProfile(runInput.parse(input)));
    yield* TestClock.adjust(advance);
    const outcome = yield* Fiber.join(fiber);
    return { ...outcome, world };
  }).pipe(
    Effect.provide(
      Layer.mergeAll(Ingest.layerModel(o.ingest ?? {}), Uploads.layerModel(o.uploads ?? {})).pipe(
        Layer.provideMerge(layerTestSystem(o.world)),
      ),
    ),
  );
