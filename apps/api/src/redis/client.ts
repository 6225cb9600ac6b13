import { Cluster, Redis } from "ioredis";
import type { ClusterNode } from "./nodes.ts";

/**
 * One Redis or a Redis Cluster: every caller takes this, never `Redis` itself. The two
 * share ioredis's command set (scripts, MULTI, pub/sub); on a cluster each script, MULTI
 * and MGET touches keys of one hash tag (see @scaleproof/core/wire/redisKeys), and reads
 * across tags go key by key (`getEach`).
 */
export type RedisClient = Redis | Cluster;

export interface RedisClients {
  /** Commands: fail at once while Redis (or the key's node) is unreachable. */
  readonly commands: RedisClient;
  /** Pub/sub: SUBSCRIBEs wait for a connection and are renewed after every reconnect. */
  readonly subscriber: RedisClient;
}

export interface RedisTarget {
  readonly url: string;
  /** Set: a Redis Cluster reached through these seed nodes (REDIS_CLUSTER_NODES); `url` is unused. */
  readonly clusterNodes?: readonly ClusterNode[] | undefined;
}

/** Reconnects forever with a capped backoff; a dead connection is noticed within a second. */
const retry = (times: number) => Math.min(100 * 2 ** times, 2_000);
const connection = (name: string) => ({
  connectionName: `scaleproof:${name}`,
  connectTimeout: 1_000,
  keepAlive: 1_000,
});

export const openRedisClients = (target: RedisTarget, name: string): RedisClients => {
  const nodes = target.clusterNodes?.map((n) => ({ host: n.host, port: n.port }));
  if (!nodes) {
    return {
      // Commands fail at once while Redis is unreachable (503 REDIS_UNAVAILABLE), never
      // queue up behind a reconnect that may take seconds.
      commands: new Redis(target.url, {
        ...connection(name),
        retryStrategy: retry,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
      }),
      subscriber: new Redis(target.url, {
        ...connection(`${name}:sub`),
        retryStrategy: retry,
        maxRetriesPerRequest: null,
      }),
    };
  }
  const commands = new Cluster(nodes, {
    clusterRetryStrategy: retry,
    // As with one Redis: no queue while the cluster is unreachable, and a command whose
    // node is gone (or CLUSTERDOWN) fails at once instead of being retried for seconds.
    enableOfflineQueue: false,
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    slotsRefreshTimeout: 1_000,
    // Leases and counters must read what was just written: masters only.
    scaleReads: "master",
    redisOptions: { ...connection(name), maxRetriesPerRequest: 0 },
  });
  // Without a queue, ioredis refuses a command for a node whose connection is still being
  // made: connect each node as soon as the cluster names it, not on its first command.
  commands.on("+node", (node: Redis) => {
    if (node.status === "wait") node.connect().catch(() => {});
  });
  return {
    commands,
    // One subscriber connection to some node: classic pub/sub reaches every node's
    // subscribers, and ioredis moves the subscriptions when that node goes away.
    subscriber: new Cluster(nodes, {
      clusterRetryStrategy: retry,
      redisOptions: { ...connection(`${name}:sub`), maxRetriesPerRequest: null },
    }),
  };
};

/**
 * GET of keys that may live in different cluster slots (MGET there answers CROSSSLOT):
 * one GET each, all in flight at once, in the order given.
 */
export const getEach = (redis: RedisClient, keys: readonly string[]): Promise<(string | null)[]> =>
  Promise.all(keys.map((k) => redis.get(k)));

/**
 * A subscriber connection of its own beside `redis` (same Redis or cluster): SUBSCRIBEs
 * wait for a connection and are renewed after every reconnect.
 */
export const duplicateSubscriber = (redis: RedisClient, name: string): RedisClient => {
  const connectionName = `scaleproof:${name}`;
  return redis instanceof Cluster
    ? redis.duplicate([], {
        enableOfflineQueue: true,
        redisOptions: { connectionName, maxRetriesPerRequest: null },
      })
    : redis.duplicate({ connectionName, maxRetriesPerRequest: null, enableOfflineQueue: true });
};
