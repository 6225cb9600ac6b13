import { runExport } from "@scaleproof/core/scale-test/schema";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange, get, tally } from "../support/http.ts";
import { adminClient, checkOf, runEvidence, TOKEN_ENV, waitForRun } from "../support/ops.ts";
import { type PrivateRedisCluster, startPrivateRedisCluster } from "../support/redisCluster.ts";
import { replayClient } from "../support/replay.ts";

/**
 * When one Redis is outgrown: two real instances on a real 3-master Redis Cluster
 * (REDIS_CLUSTER_NODES; REDIS_URL points nowhere), unchanged otherwise. The quick cache
 * profile (its stampede, the holder's crash and takeover, the warm-up) must PASS as on
 * one Redis, with its keys spread over the masters.
 */
let rc: PrivateRedisCluster;
let c: TestCluster;

beforeAll(async () => {
  rc = await startPrivateRedisCluster(3);
  c = await startTestCluster("redis-cluster-cache", {
    instances: 2,
    redisClusterNodes: rc.nodes,
    // Fixed, so where the keys land is too: the instance registry (`redis-cluster:instances:v1`)
    // hashes to the second master's slots; the quick run's bars keys to the first's.
    keyPrefix: "redis-cluster:",
    // Nothing listens here: any path still on the single-Redis client would fail.
    env: { ...TOKEN_ENV, REDIS_URL: "redis://127.0.0.1:1" },
  });
});
afterAll(async () => {
  await c?.close();
  await rc?.close();
});

describe("the cache profile on a 3-master Redis Cluster", () => {
  it("PASSes: one provider fetch overlapped on both instances, a holder taken over, keys on several masters", async () => {
    const admin = adminClient(c.url);
    const { id } = await admin.scaleTest.run.mutate({ profile: "cache", quick: true });
    const run = await waitForRun(admin, id);
    const doc = runExport.parse(await admin.scaleTest.export.query({ runId: id }));
    expect(doc.checks.filter((x) => !x.pass).map((x) => x.name)).toEqual([]);
    expect(run.status).toBe("passed");
    expect(doc.metrics["stampede.provider_fetch_count"]).toBe(1);
    expect(checkOf(doc, "stampede.overlap").actual).toBe(2);
    expect(checkOf(doc, "stampede.single_flight").actual).toBe(0);
    expect(checkOf(doc, "stampede.evidence_agrees").actual).toBe("redis 1, events 1, upstream 1");
    expect(checkOf(doc, "takeover.one_takeover_fetch").actual).toBe(1);
    expect(checkOf(doc, "takeover.waiters_answered").pass).toBe(true);
    expect(checkOf(doc, "run.one_fetch_per_key").actual).toBe("redis 4, upstream 4");
    expect(doc.environment.instancesSeen.map((i) => i.instanceId).sort()).toEqual(["i1", "i2"]);

    // The cached bars values (one hash tag each: its own slot) and the instances' shared
    // hashes live on different masters; the run's counters sit together in one slot.
    const byPort = await rc.keysByPort(`${c.keyPrefix}*`);
    const bars = [...byPort.values()].flat().filter((k) => k.includes(":bars:"));
    expect(bars.length).toBeGreaterThan(1);
    const slots = await Promise.all(bars.map((k) => c.redis.cluster("KEYSLOT", k)));
    expect(new Set(slots).size).toBe(bars.length);
    expect([...byPort.values()].filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    const counters = ["cache_hit", "provider_fetch"].map((k) => REDIS_KEYS.runCounter(id, k));
    const owners = new Set(await Promise.all(counters.map((k) => rc.portOfKey(k))));
    expect(owners.size).toBe(1);
  });

  it("a stampede on keys held by different masters: one upstream fetch per key, across instances", async () => {
    await c.allLive(); // the profile killed a lease holder; the supervisor restarts it
    const replay = replayClient(c.replay);
    // Fixed ranges: their keys hash to the first and second masters' slots.
    const ranges = [barsRange(7, 14), barsRange(7, 15), barsRange(8, 14)];
    const keys = ranges.map(
      (r) => `${c.keyPrefix}bars:v1:{GLBX.MDP3:ES.c.0:1m:${r.start}:${r.end}}`,
    );
    const runId = `cluster-stampede-${Date.now()}`;
    await replay.knobs({ latencyMs: 300 }); // the fetches last long enough to be waited on
    try {
      const answers = await Promise.all(
        ranges.flatMap((r) =>
          Array.from({ length: 40 }, () =>
            get(c.url + barsPath(r), runEvidence(runId, barsPath(r))),
          ),
        ),
      );
      expect(tally(answers, (a) => String(a.status))).toEqual({ "200": 120 });
      expect(new Set(answers.map((a) => a.instanceId)).size).toBe(2);
      expect(answers.filter((a) => a.cache === "MISS")).toHaveLength(3);
      for (const r of ranges) expect(await replay.count({ symbol: "ES.c.0", ...r })).toBe(1);
    } finally {
      await replay.knobs({});
    }
    expect(await Promise.all(keys.map((k) => c.redis.exists(k)))).toEqual([1, 1, 1]);
    expect(new Set(await Promise.all(keys.map((k) => rc.portOfKey(k)))).size).toBe(2);
  });

  it("per-client rate limits count in the cluster (the take script on ioredis Cluster)", async () => {
    const path = barsPath(barsRange(7, 14));
    const answers = await Promise.all(Array.from({ length: 3 }, () => get(c.url + path)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const byPort = await rc.keysByPort(`${c.keyPrefix}ratelimit:bars*`);
    const keys = [...byPort.values()].flat();
    expect(keys).toHaveLength(1);
    expect(await c.redis.get(keys[0] ?? "")).toBe("3");
  });

  // Last: it leaves the cluster without one of its masters.
  it("a master lost: reads of its keys answer 503 REDIS_UNAVAILABLE with Retry-After, as with one Redis", async () => {
    const r = barsRange(7, 15); // cached above, on the second master
    const key = `${c.keyPrefix}bars:v1:{GLBX.MDP3:ES.c.0:1m:${r.start}:${r.end}}`;
    expect(await c.redis.exists(key)).toBe(1);
    await rc.kill(await rc.portOfKey(key));
    const a = await get(c.url + barsPath(r));
    expect(a.status).toBe(503);
    expect((a.body as { error?: { code?: string } }).error?.code).toBe("REDIS_UNAVAILABLE");
    expect(a.retryAfter).not.toBeNull();
  });
});
