import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { get } from "../support/http.ts";
import { TOKEN_ENV } from "../support/ops.ts";
import {
  type PrivateServer,
  startPrivatePostgres,
  startPrivateRedis,
} from "../support/privateServers.ts";
import { type Exposition, one, parseExposition, total } from "../support/promText.ts";

/**
 * /metrics keeps answering while Redis and Postgres are down (it reads only in-process
 * state), and says so: Redis connections at 0, failed queries counted. The servers are
 * this file's own, so stopping them touches no other test.
 */
const METRICS_TOKEN = "metrics-token-for-tests-0123456789";
let redis: PrivateServer;
let pg: PrivateServer;
let c: TestCluster;

beforeAll(async () => {
  [redis, pg] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
  c = await startTestCluster("metrics-outage", {
    instances: 1,
    env: {
      ...TOKEN_ENV,
      METRICS_TOKEN,
      REDIS_URL: redis.url,
      DATABASE_URL: `${pg.url}/sp_metrics_outage`,
    },
  });
});
afterAll(async () => {
  await c?.close();
  await Promise.all([redis?.close(), pg?.close()]);
});

const scrape = async (): Promise<Exposition> => {
  const res = await fetch(`${c.instanceUrl("i1")}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
};

/** Scrapes until `ok` holds (the connection's state changes when ioredis notices). */
const scrapeUntil = async (ok: (e: Exposition) => boolean, what: string) => {
  for (let i = 0; i < 200; i++) {
    const e = await scrape();
    if (ok(e)) return e;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`metrics never showed ${what}`);
};

const redisUp = (e: Exposition) =>
  one(e, "scaleproof_redis_up", { connection: "commands" }) +
  one(e, "scaleproof_redis_up", { connection: "subscriber" });

describe("/metrics with the dependencies down", () => {
  it("answers while Redis and Postgres are stopped, shows Redis down and the failed queries, then recovery", async () => {
    const healthy = await scrape();
    expect(redisUp(healthy)).toBe(2);
    const failedBefore = total(healthy, "scaleproof_pg_queries_total", { result: "error" });

    await Promise.all([redis.stop(), pg.stop()]);
    const list = await get(`${c.instanceUrl("i1")}/api/backtests`);
    expect(list.status).toBe(503);
    const down = await scrapeUntil((e) => redisUp(e) === 0, "both Redis connections down");
    expect(total(down, "scaleproof_pg_queries_total", { result: "error" })).toBeGreaterThan(
      failedBefore,
    );
    expect(
      total(down, "scaleproof_http_request_duration_seconds_count", {
        route: "/api/backtests",
        status: "503",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(one(down, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);

    await Promise.all([redis.start(), pg.start()]);
    await scrapeUntil((e) => redisUp(e) === 2, "both Redis connections back");
  });
});
