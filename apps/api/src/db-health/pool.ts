import type { PoolReading } from "@scaleproof/core/scale-test/dbData";
import { readPoolConnections } from "@scaleproof/db/queries/readPoolConnections";
import type { InstanceDeps } from "../deps.ts";
import { exhaustionTracker } from "./exhaustion.ts";
import { poolStatusOf } from "./status.ts";

/** What `/ops/health/pool` answers: the reading, and why Postgres could not be asked. */
export interface PoolHealth extends PoolReading {
  readonly error?: string;
}

const gauge = async (deps: InstanceDeps, name: string): Promise<number> => {
  const metric = deps.metrics.registry.getSingleMetric(name);
  const value = (await metric?.get())?.values[0]?.value;
  return typeof value === "number" ? value : 0;
};

/**
 * This instance's pool: connections open and idle as Postgres counts them (by the
 * instance's application name), queries in flight and waiting as the metrics proxy
 * around `sql` counts them (metrics/postgres.ts, read from its gauges, not counted
 * again), and the exhaustion events since boot.
 */
export const readPool = async (deps: InstanceDeps): Promise<PoolHealth> => {
  const { identity, env } = deps;
  const tracker = exhaustionTracker(deps.sql);
  const [connections, inFlight, waiting] = await Promise.all([
    readPoolConnections(deps.sql, `scaleproof:${identity.instanceId}`).then(
      (c) => ({ ...c, error: undefined }),
      (error: unknown) => ({
        total: 0,
        idle: 0,
        listener: 0,
        error: error instanceof Error ? error.message : String(error),
      }),
    ),
    gauge(deps, "scaleproof_pg_queries_in_flight"),
    gauge(deps, "scaleproof_pg_queries_waiting"),
  ]);
  const lastAt = tracker?.lastAt ?? null;
  const figures = {
    max: env.DB_POOL_MAX,
    total: connections.total,
    idle: connections.idle,
    waiting,
    reachable: connections.error === undefined,
    sinceExhaustionMs: lastAt === null ? null : Date.now() - lastAt,
  };
  return {
    instanceId: identity.instanceId,
    bootId: identity.bootId,
    max: env.DB_POOL_MAX,
    total: connections.total,
    idle: connections.idle,
    listener: connections.listener,
    inFlight,
    waiting,
    status: poolStatusOf(figures),
    exhaustion: {
      connectTimeouts: tracker?.counts.connect_timeout ?? 0,
      tooManyConnections: tracker?.counts.too_many_connections ?? 0,
    },
    ...(connections.error === undefined ? {} : { error: connections.error }),
  };
};
