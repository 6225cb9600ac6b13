import { barsCacheKey, resolveSymbol } from "@scaleproof/core/bars/request";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READY_CHANNEL } from "../../src/cache/readyChannel.ts";
import { defineCacheScripts } from "../../src/cache/scripts.ts";
import { loadInstanceEnv } from "../../src/config/env.ts";
import { dependencyDown } from "../../src/edge/dependencies.ts";
import {
  duplicateSubscriber,
  getEach,
  openRedisClients,
  type RedisClients,
} from "../../src/redis/client.ts";
import { clusterNodes } from "../../src/redis/nodes.ts";
import { bumpRunCounters, readRunCounters } from "../../src/runs/counters.ts";
import { beat, beating } from "../../src/scaleTest/runnerAlive.ts";
import { type PrivateRedisCluster, startPrivateRedisCluster } from "../support/redisCluster.ts";

/**
 * The instance's Redis clients on a real 3-master Redis Cluster: the multi-key units
 * (cache scripts, one run's counters) stay in one slot, reads across runs go key by key,
 * pub/sub reaches a subscriber on another node, and a lost master is "Redis unavailable".
 */
let rc: PrivateRedisCluster;
let clients: RedisClients;
const prefix = "t-client:";

/** The cluster is ready and so is each master's connection (commands are never queued). */
const ready = async (c: RedisClients["commands"]) => {
  for (let i = 0; i < 200; i++) {
    const masters = c instanceof Cluster ? c.nodes("master") : [c];
    if (c.status === "ready" && masters.every((n) => n.status === "ready")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the cluster client did not get ready");
};

beforeAll(async () => {
  rc = await startPrivateRedisCluster(3);
  clients = openRedisClients(
    { url: "redis://unused", clusterNodes: clusterNodes.parse(rc.nodes) },
    "cluster-test",
  );
  defineCacheScripts(clients.commands);
  await ready(clients.commands);
});
afterAll(async () => {
  clients?.commands.disconnect();
  clients?.subscriber.disconnect();
  await rc?.close();
});

describe("the instance's Redis clients on a 3-master Redis Cluster", () => {
  it("REDIS_CLUSTER_NODES is a host:port list; anything else is refused", () => {
    expect(clusterNodes.parse(" 10.0.0.1:7000, redis-b:7001 ")).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-b", port: 7001 },
    ]);
    expect(clusterNodes.parse("")).toBeUndefined();
    expect(() => loadInstanceEnv({ REDIS_CLUSTER_NODES: "redis://10.0.0.1:7000" })).toThrow(
      /invalid environment: REDIS_CLUSTER_NODES: entry 1 is not host:port/,
    );
    for (const bad of ["redis://10.0.0.1:7000", "10.0.0.1", "10.0.0.1:0", "a:1,,b:2", "a:99999"]) {
      expect(clusterNodes.safeParse(bad).success).toBe(false);
    }
  });

  it("a bars key's lease and error share its slot; the cache scripts run and their PUBLISH reaches the subscriber", async () => {
    const redis = clients.commands;
    const symbol = resolveSymbol("ESM4");
    if (!symbol) throw new Error("ESM4 is a futures symbol");
    const hour = 3_600_000_000_000n;
    const q = {
      dataset: "GLBX.MDP3",
      symbol,
      tf: "1m" as const,
      start: 1_000n * hour,
      end: 1_001n * hour,
    };
    const key = prefix + barsCacheKey(q);
    const lock = REDIS_KEYS.cacheLock(key);
    const err = REDIS_KEYS.cacheError(key);
    const slots = await Promise.all([key, lock, err].map((k) => redis.cluster("KEYSLOT", k)));
    expect(new Set(slots).size).toBe(1);

    const got = new Promise<string>((resolve) =>
      clients.subscriber.on(
        "message",
        (ch: string, m: string) => ch === READY_CHANNEL && resolve(m),
      ),
    );
    await clients.subscriber.subscribe(READY_CHANNEL);
    expect((await redis.cacheGetOrLockBuffer(key, lock, err, "tok", 5_000))[0]).toBe(3); // lease
    expect((await redis.cacheGetOrLockBuffer(key, lock, err, "other", 5_000))[0]).toBe(4); // wait
    const filled = await redis.cacheFill(
      key,
      lock,
      "tok",
      Buffer.from("bars"),
      60_000,
      READY_CHANNEL,
      "hi",
    );
    expect(filled).toBe(1);
    expect(await got).toBe("hi");
    const [tag, value] = await redis.cacheGetOrLockBuffer(key, lock, err, "x", 5_000);
    expect([tag, String(value)]).toEqual([1, "bars"]); // HIT
  });

  it("a duplicated subscriber (the run-progress feed's) hears what the commands client publishes", async () => {
    const sub = duplicateSubscriber(clients.commands, "cluster-test:progress");
    try {
      const channel = `${prefix}run:changed`;
      const heard = new Promise<string>((resolve) =>
        sub.on("message", (ch: string, m: string) => ch === channel && resolve(m)),
      );
      await sub.subscribe(channel);
      expect(await clients.commands.publish(channel, "run-1")).toBeGreaterThanOrEqual(0);
      expect(await heard).toBe("run-1");
    } finally {
      sub.disconnect();
    }
  });

  it("one run's counters (MULTI, MGET) work; runs spread over masters and are read key by key", async () => {
    const redis = clients.commands;
    const runs = Array.from({ length: 12 }, (_, i) => `run-${i}`);
    for (const r of runs) await bumpRunCounters(redis, r, ["cache_hit", "provider_fetch"]);
    expect(await readRunCounters(redis, "run-3")).toMatchObject({
      cache_hit: 1,
      provider_fetch: 1,
    });

    const keys = runs.map((r) => REDIS_KEYS.runCounter(r, "provider_fetch"));
    const owners = new Set(await Promise.all(keys.map((k) => rc.portOfKey(k))));
    expect(owners.size).toBeGreaterThan(1);
    await expect(redis.mget(keys)).rejects.toThrow(/CROSSSLOT/);
    await redis.del(keys[5] ?? "");
    const values = await getEach(redis, keys);
    expect(values).toEqual(keys.map((_, i) => (i === 5 ? null : "1")));
  });

  it("the reaper asks which runners still beat across runs in different slots (no CROSSSLOT)", async () => {
    const redis = clients.commands;
    const runs = Array.from({ length: 12 }, (_, i) => ({
      id: `beat-${i}`,
      runnerBootId: `boot-${i}`,
    }));
    const owners = new Set(
      await Promise.all(runs.map((r) => rc.portOfKey(`scaleTest:{${r.id}}:runner`))),
    );
    expect(owners.size).toBeGreaterThan(1);
    // beating: 0-7 (their own boot); 8-9 beat under another boot; 10-11 never beat
    for (const r of runs.slice(0, 8)) await beat(redis, r.id, r.runnerBootId, 60_000);
    for (const r of runs.slice(8, 10)) await beat(redis, r.id, "an-older-boot", 60_000);
    expect(await beating(redis, runs)).toEqual(runs.slice(0, 8).map((r) => r.id));
  });

  it("a master gone: commands for its slots fail at once as Redis unavailable (503 REDIS_UNAVAILABLE)", async () => {
    const redis = clients.commands;
    const key = `${prefix}victim`;
    await redis.set(key, "1");
    await rc.kill(await rc.portOfKey(key));
    const error = await redis.get(key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(dependencyDown(error)).toBe("redis");
  });
});
