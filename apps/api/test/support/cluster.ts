import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@scaleproof/db/testing";
import { type Cluster, type ClusterOptions, startCluster } from "@scaleproof/platform/cluster";
import { Redis, Cluster as RedisCluster } from "ioredis";
import type { RedisClient } from "../../src/redis/client.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../../..");

export interface TestCluster extends Cluster {
  readonly db: TestDatabase;
  /** A client of the cluster's Redis (a Redis Cluster client when `redisClusterNodes` was given). */
  readonly redis: RedisClient;
  /** This cluster's cache namespace: nothing cached by earlier runs can leak in. */
  readonly keyPrefix: string;
  instanceUrl(instanceId: string): string;
  /** Waits until every slot is live again (after a kill, the supervisor restarts it). */
  allLive(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real local cluster for one test file: its own database, its own cache namespace,
 * the replay upstream and N instance processes behind HAProxy. Process output
 * goes to test-artifacts/logs/<name>.log.
 */
export const startTestCluster = async (
  name: string,
  options: {
    instances: number;
    env?: Record<string, string>;
    /** REDIS_CLUSTER_NODES: the instances (and `redis`) use this Redis Cluster instead. */
    redisClusterNodes?: string;
    /** A fixed cache namespace (where keys land in a cluster's slots must not be left to chance). */
    keyPrefix?: string;
    /** The test's own (private) servers the platform may restart: never the shared ones. */
    restartable?: ClusterOptions["restartable"];
  },
): Promise<TestCluster> => {
  const db = await createTestDatabase(`sp_${name.replace(/\W/g, "_")}`);
  const keyPrefix = options.keyPrefix ?? `t-${randomBytes(4).toString("hex")}:`;
  const logDir = path.join(REPO_ROOT, "test-artifacts", "logs");
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      instances: options.instances,
      port: 0,
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        CACHE_KEY_PREFIX: keyPrefix,
        LOG_LEVEL: "info",
        // Many test clusters share one Postgres (max_connections 100): small pools keep
        // the suite within it (a test that needs the seed's pool says so in its env).
        DB_POOL_MAX: "4",
        // Tests send unsigned traffic from one address (hundreds of concurrent POSTs):
        // per-client limits far above that; rateLimits.test.ts sets its own low ones.
        RATE_LIMIT_BARS: "1000000",
        RATE_LIMIT_BACKTESTS: "1000000",
        ...(options.redisClusterNodes ? { REDIS_CLUSTER_NODES: options.redisClusterNodes } : {}),
        ...options.env,
      },
      databentoApiKey: undefined,
      ...(options.restartable ? { restartable: options.restartable } : {}),
      onLine: (source, line) => log.write(`[${source}] ${line}\n`),
    });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const redis: RedisClient = options.redisClusterNodes
    ? new RedisCluster(
        options.redisClusterNodes.split(",").map((n) => {
          const [host, port] = n.split(":");
          return { host, port: Number(port) };
        }),
      )
    : new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  return {
    ...cluster,
    db,
    redis,
    keyPrefix,
    instanceUrl(instanceId) {
      const slot = cluster.supervisor.view().find((s) => s.instanceId === instanceId);
      if (!slot?.port) throw new Error(`instance ${instanceId} is not listening`);
      return `http://127.0.0.1:${slot.port}`;
    },
    async allLive() {
      for (let i = 0; i < 300; i++) {
        if (cluster.supervisor.live().length === options.instances) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("instances did not all come back");
    },
    async close() {
      await cluster.stop();
      // On a cluster: each master's own keys, one DEL per key (a DEL of many spans slots).
      for (const node of redis instanceof RedisCluster ? redis.nodes("master") : [redis]) {
        // A test may have killed a master (and so failed the cluster): best effort there.
        const keys = await node.keys(`${keyPrefix}*`).catch((error: unknown) => {
          if (redis instanceof RedisCluster) return [];
          throw error;
        });
        if (redis instanceof RedisCluster)
          await Promise.all(keys.map((k) => redis.del(k).catch(() => 0)));
        else if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
      await db.drop();
      log.end();
    },
  };
};
