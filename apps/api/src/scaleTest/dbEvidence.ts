import type { PoolReading } from "@scaleproof/core/scale-test/dbData";
import { DbEvidence } from "@scaleproof/core/scale-test/services/dbEvidence";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { readConnectionSettings } from "@scaleproof/db/queries/readConnectionSettings";
import { readDatabaseStats } from "@scaleproof/db/queries/readDatabaseStats";
import { readRelationSizes } from "@scaleproof/db/queries/readRelationSizes";
import { Effect, Layer } from "effect";
import { explainHotQueries } from "../db-health/hotQueries.ts";
import { exhaustionKey } from "../db-health/keys.ts";
import type { InstanceDeps } from "../deps.ts";
import { ridingOut } from "./ridingOut.ts";

const POOL_TIMEOUT_MS = 2_000;

/**
 * The database as the runner reads it: the server's limits and statistics from its own
 * connection, every instance's pool from that instance (`/ops/health/pool`, pinned
 * through the target: a reading from another instance than asked is no reading), the
 * cluster's exhaustion count from Redis, and the hot queries explained with the
 * application's own query functions.
 */
export const dbEvidenceLayer = (
  deps: InstanceDeps,
  runId: string,
  targetUrl: string,
): Layer.Layer<DbEvidence> => {
  const { env, identity, redis, sql } = deps;
  const pool = (instanceId: string) =>
    Effect.promise(async (): Promise<PoolReading | null> => {
      try {
        const res = await fetch(new URL("/ops/health/pool", targetUrl), {
          headers: {
            ...(env.ADMIN_TOKEN ? { authorization: `Bearer ${env.ADMIN_TOKEN}` } : {}),
            [HEADERS.routeTo]: instanceId,
          },
          signal: AbortSignal.timeout(POOL_TIMEOUT_MS),
        });
        const body = (await res.json()) as PoolReading;
        return res.ok && res.headers.get(HEADERS.instanceId) === instanceId ? body : null;
      } catch {
        return null; // unanswered: the caller counts it as no reading
      }
    });
  return Layer.succeed(
    DbEvidence,
    DbEvidence.of({
      settings: Effect.promise(() =>
        readConnectionSettings(sql).then(
          (s) => ({ ...s, runnerPoolMax: env.DB_POOL_MAX }),
          () => null,
        ),
      ),
      pool,
      exhaustionEvents: Effect.promise(() =>
        redis.hvals(exhaustionKey(env.CACHE_KEY_PREFIX)).then(
          (values) => values.reduce((a, v) => a + Number(v), 0),
          () => null,
        ),
      ),
      explainHotQueries: ridingOut(async () => ({
        statements: await explainHotQueries(sql, {
          instanceId: identity.instanceId,
          bootId: identity.bootId,
          runId,
          leaseMs: env.JOBS_LEASE_MS,
          claimBatch: Math.max(1, env.JOBS_SLOTS),
          queueCap: env.QUEUE_MAX_PENDING,
        }),
        relations: await readRelationSizes(sql),
      })),
      stats: ridingOut(() => readDatabaseStats(sql)),
    }),
  );
};
