import { Clock, Context, Effect, Layer } from "effect";
import type { MemoryPoint } from "../data.ts";
import { type BallastSpan, ballastOn, samplesUntilNow, underPressure } from "../testing/memory.ts";
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
  /**
   * In memory: every `World` instance sampled since time 0, at the interval the run asked
   * for (1 s quick, 10 s otherwise); an instance under the ballast fault shows it (from
   * when these samples were first read with it armed, until they were read without).
   */
  static readonly layerTest = Layer.effect(
    MemoryEvidence,
    World.useSync((world) => {
      let everyMs = 1000;
      let span: BallastSpan | null = null;
      const observe = (now: number) => {
        const on = world.instances.find((i) => ballastOn(world, i));
        if (on !== undefined && (span === null || span.to !== null)) {
          span = { instanceId: on, from: now, to: null };
        } else if (on === undefined && span !== null && span.to === null) {
          span = { ...span, to: now };
        }
      };
      return MemoryEvidence.of({
        samples: Clock.currentTimeMillis.pipe(
          Effect.tap((now) => Effect.sync(() => observe(now))),
          Effect.flatMap(() => samplesUntilNow(world.instances, world.memory, everyMs)),
          Effect.map((points) => points.map((p) => underPressure(world, p, span))),
        ),
        sampleEveryMs: (quick) => {
          everyMs = quick ? 1000 : 10_000;
          return everyMs;
        },
      });
    }),
  );
}
