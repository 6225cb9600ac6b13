import { Gauge, type Registry } from "prom-client";
import type { RedisClient } from "../redis/client.ts";

/** 1 while the connection is ready for commands, read from ioredis at each scrape. */
export const observeRedis = (
  registry: Registry,
  connections: Record<string, RedisClient>,
): void => {
  new Gauge({
    name: "scaleproof_redis_up",
    help: "1 while the Redis connection is ready, else 0 (connecting, reconnecting, closed)",
    labelNames: ["connection"],
    registers: [registry],
    collect() {
      for (const [connection, redis] of Object.entries(connections)) {
        this.set({ connection }, redis.status === "ready" ? 1 : 0);
      }
    },
  });
};
