import type { InstanceDeps } from "../deps.ts";
import { exhaustionTracker } from "./exhaustion.ts";
import { exhaustionKey, poolsKey } from "./keys.ts";
import { readPool } from "./pool.ts";

export const PUBLISH_MS = 2_000;

/**
 * Keeps the cluster informed about this instance's pool: its reading every PUBLISH_MS
 * (for the Instances tab, read by whichever instance answers), and every exhaustion
 * event at once, added to a cluster-wide count that survives restarts (a run's
 * exhaustion check is its delta). Redis being down costs a reading, nothing else.
 */
export const publishPool = (deps: InstanceDeps): (() => void) => {
  const { redis, identity, env, log } = deps;
  const prefix = env.CACHE_KEY_PREFIX;
  const stop = exhaustionTracker(deps.sql)?.onEvent((kind) => {
    log.warn({ event: "pg_pool_exhaustion", kind }, "a query got no Postgres connection");
    redis
      .hincrby(exhaustionKey(prefix), `${identity.instanceId}:${identity.bootId}:${kind}`, 1)
      .catch(() => {});
  });
  const publish = async () => {
    const reading = await readPool(deps);
    await redis.hset(
      poolsKey(prefix),
      identity.instanceId,
      JSON.stringify({ ...reading, seenAt: new Date().toISOString() }),
    );
  };
  const timer = setInterval(() => void publish().catch(() => {}), PUBLISH_MS);
  timer.unref();
  void publish().catch(() => {});
  return () => {
    clearInterval(timer);
    stop?.();
  };
};
