import { Context, type Effect, Layer } from "effect";
import type {
  DbStats,
  ExplainedStatement,
  PgSettings,
  PoolReading,
  RelationSize,
} from "../dbData.ts";
import { dbWorld } from "../testing/db.ts";
import { World } from "../testing/world.ts";

/**
 * The database as the runner sees it: the server's limits, each instance's pool, the
 * cluster's pool-exhaustion count, plans of the hot queries and cumulative statistics.
 */
export class DbEvidence extends Context.Service<
  DbEvidence,
  {
    /** null: the runner cannot reach Postgres. */
    readonly settings: Effect.Effect<PgSettings | null>;
    /** The instance's pool, asked of that instance through the target; null when it did not answer. */
    readonly pool: (instanceId: string) => Effect.Effect<PoolReading | null>;
    /** Pool-exhaustion events counted so far by every instance and boot of the cluster; null when unreadable. */
    readonly exhaustionEvents: Effect.Effect<number | null>;
    /** Every hot query's statements explained with realistic parameters, and the relations' sizes. */
    readonly explainHotQueries: Effect.Effect<{
      readonly statements: readonly ExplainedStatement[];
      readonly relations: readonly RelationSize[];
    }>;
    readonly stats: Effect.Effect<DbStats>;
  }
>()("@scaleproof/core/DbEvidence") {
  /** In memory: a healthy database behind the `World`'s instances (see `testing/db.ts`). */
  static readonly layerTest = Layer.effect(
    DbEvidence,
    World.useSync((world) => DbEvidence.of(dbWorld(world))),
  );
}
