import { Context, Effect, Layer } from "effect";
import type { MemoryPoint } from "../data.ts";
import { samplesUntilNow } from "../testing/memory.ts";
import { World } from "../testing/world.ts";

/** The instances' memory samples for this run, and how many requests they shed. */
export class MemoryEvidence extends Context.Service<
  MemoryEvidence,
  {
    readonly samples: Effect.Effect<readonly MemoryPoint[]>;
    /** Sampling interval in force for this run (quick runs sample faster). */
    readonly sampleEveryMs: (quick: boolean) => number;
  }
>()("@scaleproof/core/MemoryEvidence") {
  /** In memory: every `World` instance sampled since time 0, at the interval the run asked for (1 s quick, 10 s otherwise). */
  static readonly layerTest = Layer.effect(
    MemoryEvidence,
    World.useSync((world) => {
      let everyMs = 1000;
      return MemoryEvidence.of({
        samples: Effect.suspend(() => samplesUntilNow(world.instances, world.memory, everyMs)),
        sampleEveryMs: (quick) => {
          everyMs = quick ? 1000 : 10_000;
          return everyMs;
        },
      });
    }),
  );
}
