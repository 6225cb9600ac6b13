import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@scaleproof/db/testing";
import { Redis } from "ioredis";
import { type Cluster, startCluster } from "../../src/cluster.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../../..");

export interface TestCluster extends Cluster {
  readonly db: TestDatabase;
  /** Every line the cluster's processes printed, by source (the replay, an instance, haproxy). */
  readonly lines: readonly { source: string; line: string }[];
  close(): Promise<void>;
}

/**
 * A real local cluster for one test file: its own database and cache namespace, the
 * replay upstream, HAProxy and N instance processes. Output also goes to
 * test-artifacts/logs/platform-<name>.log.
 */
export const startTestCluster = async (
  name: string,
  options: { instances: number; env?: Record<string, string> },
): Promise<TestCluster> => {
  const db = await createTestDatabase(`sp_platform_${name.replace(/\W/g, "_")}`);
  const logDir = path.join(REPO_ROOT, "test-artifacts", "logs");
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `platform-${name}.log`));
  const lines: { source: string; line: string }[] = [];
  const keyPrefix = `t-platform-${randomBytes(4).toString("hex")}:`;
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
        ...options.env,
      },
      databentoApiKey: undefined,
      onLine: (source, line) => {
        lines.push({ source, line });
        log.write(`[${source}] ${line}\n`);
      },
    });
  } catch (error) {
    await db.drop();
    log.end();
    throw error;
  }
  return {
    ...cluster,
    db,
    lines,
    async close() {
      await cluster.stop();
      const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await db.drop();
      log.end();
    },
  };
};

/** Polls `check` every 20 ms until it holds, or fails after `ms`. */
export const eventually = async (
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 30_000,
) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
