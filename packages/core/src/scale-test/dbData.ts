/**
 * Plain data about the database the runner reads (`DbEvidence`): pool readings, server
 * limits, plans and statistics. Shared by the preflight, the db profile and the in-memory
 * test system.
 */

export type PoolStatus = "healthy" | "degraded" | "critical";

/** One instance's Postgres pool, as its `/ops/health/pool` answers. */
export interface PoolReading {
  readonly instanceId: string;
  readonly bootId: string;
  /** DB_POOL_MAX: connections the pool may open. */
  readonly max: number;
  /** Pool connections open in Postgres (pg_stat_activity by application name), the listener not included. */
  readonly total: number;
  readonly idle: number;
  /** LISTEN connections of the instance (outside the pool). */
  readonly listener: number;
  readonly inFlight: number;
  /** Lower bound of queries waiting for a connection (the metrics proxy's). */
  readonly waiting: number;
  readonly status: PoolStatus;
  /** Pool-exhaustion events since the instance booted. */
  readonly exhaustion: { readonly connectTimeouts: number; readonly tooManyConnections: number };
}

/** The server's connection limits, and the runner's own pool size. */
export interface PgSettings {
  readonly maxConnections: number;
  readonly superuserReserved: number;
  /** `reserved_connections` (Postgres 16+; 0 before). */
  readonly reserved: number;
  readonly runnerPoolMax: number;
}

/** One statement of a hot query and its plan (EXPLAIN (FORMAT JSON)'s document). */
export interface ExplainedStatement {
  readonly query: string;
  readonly statement: string;
  readonly plan: unknown;
  readonly skipped?: string;
}

/** A table or index and the planner's row estimate for it. */
export interface RelationSize {
  readonly name: string;
  readonly kind: "table" | "index";
  readonly rows: number;
}

export interface IndexUsage {
  readonly index: string;
  readonly table: string;
  readonly scans: number;
}

/** Cumulative database counters (pg_stat_database, pg_stat_user_indexes): runs judge their deltas. */
export interface DbStats {
  readonly deadlocks: number;
  readonly rollbacks: number;
  readonly indexes: readonly IndexUsage[];
}
