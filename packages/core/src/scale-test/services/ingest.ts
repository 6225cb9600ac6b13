import { Context, type Effect, Layer } from "effect";
import type { BarsRange } from "../data.ts";
import type { ProfileSetupFailed, TargetUnreachable } from "../errors.ts";
import type {
  IngestStatsSample,
  RecordedBar,
  SnapshotBody,
  StoredSnapshot,
} from "../profiles/ingest/data.ts";
import { fakeIngest, type IngestModel } from "../testing/ingest.ts";
import { World } from "../testing/world.ts";
import type { WriteReply } from "./writeReply.ts";

/**
 * Snapshot ingest as the runner sees it: recorded bars to build snapshots from, pushes
 * through the balancer (signed as run evidence), each instance's buffer stats, and what
 * Postgres holds for this run afterwards (read back by the runner, not asked of the service).
 */
export class Ingest extends Context.Service<
  Ingest,
  {
    /** Real bars for a range, through the bars endpoint; no bars is a setup failure. */
    readonly bars: (
      range: BarsRange,
    ) => Effect.Effect<
      { readonly instrument: string; readonly bars: readonly RecordedBar[] },
      ProfileSetupFailed
    >;
    /** `POST /api/snapshots` with these snapshots, through the balancer. */
    readonly send: (
      snapshots: readonly SnapshotBody[],
    ) => Effect.Effect<WriteReply, TargetUnreachable>;
    /** The content hash the service stores for a snapshot (sha256 of its canonical encoding). */
    readonly hash: (snapshot: SnapshotBody) => string;
    /** One instance's buffer and flush stats, pinned to it; null when it did not answer as itself. */
    readonly stats: (instanceId: string) => Effect.Effect<IngestStatsSample | null>;
    /** The rows stored under these ids and every row tagged with this run, each re-hashed from its columns. */
    readonly stored: (ids: readonly string[]) => Effect.Effect<readonly StoredSnapshot[]>;
  }
>()("@scaleproof/core/Ingest") {
  /** In memory: the `World`'s instances, healthy (see `IngestModel`). */
  static readonly layerTest = Layer.effect(
    Ingest,
    World.useSync((world) => Ingest.of(fakeIngest(world))),
  );

  /** In memory, with one property broken by the model. */
  static readonly layerModel = (model: IngestModel) =>
    Layer.effect(
      Ingest,
      World.useSync((world) => Ingest.of(fakeIngest(world, model))),
    );
}
