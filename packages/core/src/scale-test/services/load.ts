import { Context, type Effect, Layer } from "effect";
import type { BarsRange } from "../data.ts";
import type {
  LevelMeasure,
  LevelSpec,
  LoadMix,
  QueueProbe,
  ResourcePoint,
  WarmResult,
} from "../profiles/load/data.ts";
import { type LoadModel, testLoad } from "../testing/load.ts";
import { World } from "../testing/world.ts";

/**
 * The open-loop load engine on the runner, and what the instances report while it runs:
 * resource samples (persisted per run by their samplers) and in-process queue depths.
 */
export class Load extends Context.Service<
  Load,
  {
    /** Builds the run's workload (one per run: new keys stay new across levels) and warms its cached keys. */
    readonly start: (mix: LoadMix) => Effect.Effect<WarmResult>;
    /** Runs one level to its end (answers drained); interrupting it stops it at once. */
    readonly level: (spec: LevelSpec) => Effect.Effect<LevelMeasure>;
    /** The new-key ranges a level sent, by its name (distinct: new keys never repeat in a run). */
    readonly newKeys: (level: string) => Effect.Effect<readonly BarsRange[]>;
    /** Each instance's queue gauges now (asked of each instance by id). */
    readonly probe: (instanceIds: readonly string[]) => Effect.Effect<readonly QueueProbe[]>;
    /** Every instance's resource samples of this run taken at or after `since` (ms). */
    readonly resources: (since: number) => Effect.Effect<readonly ResourcePoint[]>;
    /** The instances' sampling interval for this run (quick runs sample faster). */
    readonly sampleEveryMs: (quick: boolean) => number;
  }
>()("@scaleproof/core/Load") {
  /** In memory: a healthy cluster of the `World`'s instances (every request answered in ~8 ms). */
  static readonly layerTest = Layer.effect(
    Load,
    World.useSync((world) => Load.of(testLoad(world, {}))),
  );

  /** In memory, with one property broken by the model (slow, failing, a restart...). */
  static readonly layerModel = (model: LoadModel) =>
    Layer.effect(
      Load,
      World.useSync((world) => Load.of(testLoad(world, model))),
    );
}
