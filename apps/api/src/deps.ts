import { connect, ensureDatabase, type Sql } from "@scaleproof/db/client";
import { migrate } from "@scaleproof/db/migrate";
import type { Logger } from "pino";
import { DatasetRangeGuard } from "./bars/datasetRange.ts";
import { providerErrorCodec } from "./bars/errorCodec.ts";
import { BarsEventSink } from "./bars/eventSink.ts";
import type { BarsDeps } from "./bars/service.ts";
import { ReadyChannel } from "./cache/readyChannel.ts";
import { defineCacheScripts } from "./cache/scripts.ts";
import { SharedCache } from "./cache/sharedCache.ts";
import type { InstanceEnv } from "./config/env.ts";
import { watchPoolExhaustion } from "./db-health/exhaustion.ts";
import { dependencyDown } from "./edge/dependencies.ts";
import { holderCrash } from "./faults/holderCrash.ts";
import { FaultRegistry } from "./faults/registry.ts";
import type { Identity } from "./instance/identity.ts";
import { MemoryFaultEffects } from "./memory/faultEffects.ts";
import { MemorySampler } from "./memory/sampler.ts";
import { LoadShedder } from "./memory/shedder.ts";
import { countQueries } from "./metrics/postgres.ts";
import { countFetches } from "./metrics/provider.ts";
import { observeRedis } from "./metrics/redis.ts";
import { createMetrics, type Metrics } from "./metrics/registry.ts";
import { observeShedder } from "./metrics/shedding.ts";
import { createProvider } from "./providers/createProvider.ts";
import { RateLimits } from "./rateLimits/limiter.ts";
import { openRedisClients, type RedisClient } from "./redis/client.ts";
import { DependencyDown, ridingOutAsync } from "./scaleTest/ridingOut.ts";

export interface InstanceDeps {
  readonly env: InstanceEnv;
  readonly identity: Identity;
  readonly log: Logger;
  readonly sql: Sql;
  readonly redis: RedisClient;
  readonly bars: BarsDeps;
  readonly faults: FaultRegistry;
  readonly shedder: LoadShedder;
  readonly sampler: MemorySampler;
  readonly metrics: Metrics;
  readonly rateLimits: RateLimits;
  close(): Promise<void>;
}

/**
 * Failures that mean Postgres is not there yet at boot (down, starting, restarting, its
 * socket file or route not back yet), worth waiting out; a wrong password, an unknown
 * host or a refused database fail at once.
 */
const BOOT_WAIT_CODES = new Set(["ENOENT", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
/** Only from reaching the server: a migrations file missing (ENOENT too) is no outage. */
const NETWORK_CALLS = new Set(["connect", "getaddrinfo", "write"]);
const notUpYet = (error: unknown): boolean => {
  if (dependencyDown(error) === "postgres") return true;
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return BOOT_WAIT_CODES.has(String(e?.code)) && NETWORK_CALLS.has(String(e?.syscall));
};

/**
 * Runs `steps` (the boot's database steps) until Postgres answers them: while Postgres
 * is down or starting, rides it out (`ridingOutAsync`, backoff up to 1 s) for
 * DB_BOOT_WAIT_S at most, saying so once, instead of exiting to be restarted into the
 * same outage. Any other failure, or the wait running out, throws (logged first: the
 * platform reports a dying instance's last log line).
 */
const untilPostgres = async (env: InstanceEnv, log: Logger, steps: () => Promise<void>) => {
  let waited = false;
  const saying = async () => {
    try {
      await steps();
    } catch (error) {
      if (!waited && notUpYet(error)) {
        waited = true;
        log.warn(
          {
            event: "db_boot_wait",
            code: (error as { code?: unknown }).code,
            waitS: env.DB_BOOT_WAIT_S,
          },
          "Postgres unavailable at boot: waiting for it",
        );
      }
      throw error;
    }
  };
  try {
    await ridingOutAsync(saying, env.DB_BOOT_WAIT_S * 1000, notUpYet);
  } catch (error) {
    log.error(
      { event: "db_boot_failed", err: error },
      error instanceof DependencyDown || notUpYet(error)
        ? `Postgres still unavailable after ${env.DB_BOOT_WAIT_S} s (DB_BOOT_WAIT_S): giving up`
        : "Postgres refused the boot",
    );
    throw error;
  }
  if (waited) log.info({ event: "db_boot_ready" }, "Postgres available: booting");
};

/**
 * Opens everything an instance needs, in order, and returns one `close` that releases
 * it in reverse: no connection outlives the process's shutdown.
 */
export const openInstanceDeps = async (
  env: InstanceEnv,
  identity: Identity,
  log: Logger,
): Promise<InstanceDeps> => {
  const metrics = createMetrics(identity);
  const sql = watchPoolExhaustion(
    countQueries(
      connect(env.DATABASE_URL, {
        applicationName: `scaleproof:${identity.instanceId}`,
        max: env.DB_POOL_MAX,
        idleTimeoutSec: env.DB_IDLE_TIMEOUT_S,
        connectTimeoutSec: env.DB_CONNECT_TIMEOUT_S,
      }),
      metrics.registry,
      env.DB_POOL_MAX,
    ),
    metrics.registry,
  );
  // Both waited for while Postgres is not up yet (a retried migration is safe: one
  // transaction under an advisory lock); the pool reconnects by itself.
  await untilPostgres(env, log, async () => {
    await ensureDatabase(env.DATABASE_URL, { connectTimeoutSec: env.DB_CONNECT_TIMEOUT_S });
    await migrate(sql);
  });
  // One Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). Commands fail at once
  // while Redis is unreachable (503 REDIS_UNAVAILABLE); the subscriber queues its
  // SUBSCRIBEs until connected and re-subscribes after every reconnect, so wake-ups
  // resume by themselves when Redis returns.
  const { commands: redis, subscriber } = openRedisClients(
    { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
    identity.instanceId,
  );
  defineCacheScripts(redis);
  let redisDown = false;
  const onRedisError = (error: unknown) => {
    if (redisDown) return; // once per outage, not once per reconnect attempt
    redisDown = true;
    log.warn({ err: error, event: "redis_down" }, "Redis unavailable: serving degraded");
  };
  redis.on("error", onRedisError);
  redis.on("ready", () => {
    if (redisDown) log.info({ event: "redis_up" }, "Redis available again");
    redisDown = false;
  });
  subscriber.on("error", () => {});
  observeRedis(metrics.registry, { commands: redis, subscriber });
  const ready = ReadyChannel.open(subscriber, onRedisError);
  const faults = FaultRegistry.open(
    redis,
    subscriber,
    env.CACHE_KEY_PREFIX,
    identity.instanceId,
    log,
  );
  const provider = countFetches(createProvider(env), metrics.provider);
  const cache = new SharedCache(redis, ready, {
    valueTtlMs: env.CACHE_TTL_MS,
    leaseMs: env.CACHE_LEASE_MS,
    waitBudgetMs: env.CACHE_WAIT_BUDGET_MS,
    safetyPollMs: env.CACHE_SAFETY_POLL_MS,
    errors: providerErrorCodec(env.CACHE_ERROR_TTL_MS),
    leaseEnabled: () => !faults.isOn("cache-no-lock") && !faults.isOn("cache-no-redis-lock"),
    singleFlightEnabled: () =>
      !faults.isOn("cache-no-lock") && !faults.isOn("cache-no-single-flight"),
    metrics: metrics.cache,
  });
  const events = new BarsEventSink(sql, log);
  const shedder = new LoadShedder({
    basis: env.SHED_BASIS,
    high: env.SHED_HIGH,
    low: env.SHED_LOW,
    eventLoopP99Ms: env.SHED_EVENT_LOOP_P99_MS,
    memoryLimitMb: env.SHED_MEMORY_LIMIT_MB,
  });
  observeShedder(metrics.registry, shedder);
  const sampler = new MemorySampler({ env, identity, sql, log, redis }, shedder);
  const memoryFaults = new MemoryFaultEffects(faults, log, shedder);
  const bars: BarsDeps = {
    cache,
    provider,
    guard: new DatasetRangeGuard(provider, env.BARS_DATASET),
    redis,
    events,
    identity,
    log,
    keyPrefix: env.CACHE_KEY_PREFIX,
    afterFetch: holderCrash(faults, log),
  };
  return {
    env,
    identity,
    log,
    sql,
    redis,
    bars,
    faults,
    shedder,
    sampler,
    metrics,
    rateLimits: new RateLimits(redis, env, log),
    close: async () => {
      sampler.close();
      memoryFaults.close();
      await events.flush();
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await sql.end({ timeout: 5 });
    },
  };
};
