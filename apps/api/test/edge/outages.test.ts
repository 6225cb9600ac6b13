import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange, get } from "../support/http.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../support/ops.ts";
import {
  type PrivateServer,
  startPrivatePostgres,
  startPrivateRedis,
} from "../support/privateServers.ts";

/**
 * Dependencies going down (issue 12 #6): the instance answers 503 with a code and
 * Retry-After instead of a 500 or a hang, says degraded, boots while Redis is down, and
 * recovers alone. The Redis and Postgres here are this file's own, so stopping them
 * touches no other test.
 */
let redis: PrivateServer;
let pg: PrivateServer;
let c: TestCluster;

beforeAll(async () => {
  [redis, pg] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
  c = await startTestCluster("outages", {
    instances: 1,
    env: { ...TOKEN_ENV, REDIS_URL: redis.url, DATABASE_URL: `${pg.url}/sp_outages` },
  });
});
afterAll(async () => {
  await c?.close();
  await Promise.all([redis?.close(), pg?.close()]);
});

const eventually = async <T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string) => {
  let last: T | unknown;
  for (let i = 0; i < 300; i++) {
    try {
      const v = await f();
      last = v;
      if (ok(v)) return v;
    } catch (error) {
      last = error; // the instance is restarting: its connections drop
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
};
const code = (body: unknown) => (body as { error?: { code?: string } }).error?.code;
const health = () => get(`${c.url}/ops/health`);

describe("Redis down", () => {
  it("bars answer 503 REDIS_UNAVAILABLE with Retry-After, health says degraded, and it recovers", async () => {
    const path = barsPath(barsRange(9, 14));
    expect((await get(c.url + path)).status).toBe(200);
    await redis.stop();
    const fresh = await get(c.url + barsPath(barsRange(9, 16)));
    expect(fresh.status).toBe(503);
    expect(code(fresh.body)).toBe("REDIS_UNAVAILABLE");
    expect(fresh.retryAfter).not.toBeNull();
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.body).toEqual({ status: "degraded" });
    await redis.start();
    await eventually(
      () => get(c.url + path),
      (a) => a.status === 200,
      "bars after Redis returned",
    );
    await eventually(health, (a) => a.status === 200, "health after Redis returned");
  });

  it("an instance that boots while Redis is down serves degraded, then recovers alone", async () => {
    await c.allLive();
    expect((await get(`${c.url}/ops/live`)).body).toEqual({ status: "live" });
    await redis.stop();
    const [slot] = c.supervisor.view();
    const oldBoot = slot?.bootIds.at(-1);
    process.kill(c.supervisor.pid("i1") ?? 0, "SIGKILL");
    const rebooted = await eventually(
      () => get(`${c.url}/ops/live`),
      (a) => a.status === 200 && c.supervisor.view()[0]?.bootIds.at(-1) !== oldBoot,
      "instance back while Redis is down",
    );
    expect(rebooted.body).toEqual({ status: "live" });
    const bars = await get(c.url + barsPath(barsRange(10, 14)));
    expect(code(bars.body)).toBe("REDIS_UNAVAILABLE");
    await redis.start();
    await eventually(
      () => get(c.url + barsPath(barsRange(10, 14))),
      (a) => a.status === 200,
      "bars once Redis is back",
    );
  });
});

describe("Postgres down", () => {
  it("database reads answer 503 DATABASE_UNAVAILABLE, health degraded, recovery alone", async () => {
    await c.allLive();
    await eventually(
      () => get(`${c.url}/api/backtests`),
      (a) => a.status === 200,
      "list before",
    );
    await pg.stop();
    const list = await get(`${c.url}/api/backtests`);
    expect(list.status).toBe(503);
    expect(code(list.body)).toBe("DATABASE_UNAVAILABLE");
    expect(list.retryAfter).not.toBeNull();
    const status = await fetch(`${c.url}/trpc/scaleTest.status`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(status.status).toBe(503);
    expect(await status.text()).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    expect((await health()).body).toEqual({ status: "degraded" });
    await pg.start();
    await eventually(
      () => get(`${c.url}/api/backtests`),
      (a) => a.status === 200,
      "list after Postgres returned",
    );
  });
});
