import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import type { TestCluster } from "../test/support/cluster.ts";
import { type Summary, summarise } from "./stats.ts";

/**
 * A bars HIT through one real instance process, next to the floor it is built on: a bare
 * Redis GET of the same bytes, and a bare node:http server answering the same bytes,
 * measured interleaved in one run with the same client.
 */
export const benchHitLatency = async (
  cluster: TestCluster,
  path: string,
  rounds: number,
): Promise<Summary[]> => {
  const instance = cluster.instanceUrl("i1") + path;
  const warm = await fetch(instance);
  const cacheKey = warm.headers.get("x-cache-key");
  const bytes = Buffer.from(await warm.arrayBuffer());
  if (!warm.ok || !cacheKey) throw new Error(`warm-up failed: ${warm.status}`);

  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

  const hit: number[] = [];
  const redisGet: number[] = [];
  const http: number[] = [];
  const time = async (into: number[], f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    into.push(performance.now() - t);
  };
  try {
    for (let i = 0; i < rounds + 50; i++) {
      const keep = i >= 50; // the first 50 rounds warm connections and JIT
      const sinks = keep ? [hit, redisGet, http] : [[], [], []];
      await time(sinks[0] as number[], async () => {
        const r = await fetch(instance);
        await r.arrayBuffer();
        if (r.headers.get("x-cache") !== "HIT") throw new Error("expected a HIT");
      });
      await time(sinks[1] as number[], () => redis.getBuffer(cacheKey));
      await time(sinks[2] as number[], async () => (await fetch(bareUrl)).arrayBuffer());
    }
  } finally {
    redis.disconnect();
    bare.close();
  }
  return [
    summarise(`bare Redis GET (${bytes.length} B)`, redisGet),
    summarise("bare node:http, same bytes", http),
    summarise("bars HIT through one instance", hit),
  ];
};
