import { HEADERS } from "@scaleproof/core/wire/headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, trustedProxies } from "../../src/rateLimits/clientAddress.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange, get } from "../support/http.ts";
import { ADMIN_TOKEN, runEvidence, TOKEN_ENV } from "../support/ops.ts";
import { type PrivateServer, startPrivateRedis } from "../support/privateServers.ts";

/**
 * Per-client rate limits on the expensive routes (issue 12 #7): counted in Redis, so two
 * instances share one allowance per client; admin and signed run traffic are exempt;
 * each call of a tRPC batch counts; Redis down lets requests through. Every test is its
 * own client: through the balancer (a trusted proxy), X-Forwarded-For names it.
 */
const BARS = 4;
const BACKTESTS = 3;
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("rate-limits", {
    instances: 2,
    env: {
      ...TOKEN_ENV,
      RATE_LIMIT_BARS: String(BARS),
      RATE_LIMIT_BACKTESTS: String(BACKTESTS),
      RATE_LIMIT_WINDOW_S: "3600",
    },
  });
});
afterAll(async () => {
  await c?.close();
});

const as = (client: string, pin?: string, extra: Record<string, string> = {}) => ({
  "x-forwarded-for": client,
  ...(pin ? { [HEADERS.routeTo]: pin } : {}),
  ...extra,
});
const barsUrl = () => c.url + barsPath(barsRange(8, 15));
const backtest = () => JSON.stringify({ symbol: "ES", tf: "1m", ...barsRange(9, 15, 60) });
const enqueue = async (headers: Record<string, string>) => {
  const res = await fetch(`${c.url}/api/backtests`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: backtest(),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
};
const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

describe("per-client rate limits", () => {
  it("over the limit: 429 RATE_LIMITED with Retry-After and the limit, per client across instances", async () => {
    const client = "198.51.100.1";
    const pins = ["i1", "i2", "i1", "i2"];
    const within = [];
    for (const pin of pins) within.push(await get(barsUrl(), as(client, pin)));
    expect(within.map((a) => [a.instanceId, a.status])).toEqual(pins.map((p) => [p, 200]));
    // The allowance is spent on both instances together, not per instance.
    for (const pin of ["i1", "i2"]) {
      const over = await get(barsUrl(), as(client, pin));
      expect(over.status).toBe(429);
      expect(over.instanceId).toBe(pin);
      expect(Number(over.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(errorOf(over.body).code).toBe("RATE_LIMITED");
      expect(errorOf(over.body).message).toContain(`at most ${BARS} bars reads`);
      expect(over.body).toMatchObject({ error: { limit: BARS, windowSec: 3600 } });
    }
    // Another client has its own allowance.
    expect((await get(barsUrl(), as("198.51.100.2"))).status).toBe(200);
  });

  it("backtest enqueues over REST and tRPC spend one allowance; the 429 has the same shape", async () => {
    const client = as("198.51.100.3");
    for (let i = 0; i < BACKTESTS; i++) expect((await enqueue(client)).status).toBe(202);
    const rest = await enqueue(client);
    expect(rest.status).toBe(429);
    expect(errorOf(rest.body).code).toBe("RATE_LIMITED");
    expect(Number(rest.retryAfter)).toBeGreaterThanOrEqual(1);
    const trpc = await fetch(`${c.url}/trpc/backtests.enqueue`, {
      method: "POST",
      headers: { ...client, "content-type": "application/json" },
      body: backtest(),
    });
    expect(trpc.status).toBe(429);
    expect(Number(trpc.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await trpc.json()) as { error: { message: string; data: unknown } };
    expect(body.error.message).toContain(`at most ${BACKTESTS} backtest enqueues`);
    expect(body.error.data).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      httpStatus: 429,
      appCode: "RATE_LIMITED",
      limit: BACKTESTS,
    });
  });

  it("a tRPC batch spends one point per call", async () => {
    const client = as("198.51.100.4");
    const input = { symbol: "ES", tf: "1m", ...barsRange(8, 16) };
    const calls = BARS + 1;
    const batch = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, input]));
    const url = `${c.url}/trpc/${Array(calls).fill("bars.get").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(batch))}`;
    const res = await fetch(url, { headers: client });
    const answers = (await res.json()) as {
      result?: unknown;
      error?: { data: { appCode: string } };
    }[];
    expect(answers.filter((a) => a.result).length).toBe(BARS);
    expect(answers.filter((a) => a.error).map((a) => a.error?.data.appCode)).toEqual([
      "RATE_LIMITED",
    ]);
    expect(res.headers.get("retry-after")).not.toBeNull();
    // ...and the REST twin finds the allowance spent.
    expect((await get(barsUrl(), client)).status).toBe(429);
  });

  it("the admin token and the runner's signed traffic are never limited", async () => {
    const admin = as("198.51.100.5", undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
    const runId = `run_ratelimits_${Date.now()}`;
    for (let i = 0; i < BARS + 2; i++) {
      expect((await get(barsUrl(), admin)).status).toBe(200);
      const url = barsUrl();
      expect((await get(url, as("198.51.100.6", undefined, runEvidence(runId, url)))).status).toBe(
        200,
      );
    }
    for (let i = 0; i < BACKTESTS + 1; i++) {
      expect((await enqueue(admin)).status).toBe(202);
      const signed = runEvidence(runId, `${c.url}/api/backtests`, "POST");
      expect((await enqueue(as("198.51.100.6", undefined, signed))).status).toBe(202);
    }
    // The same client without them is limited as anyone is.
    const plain = [];
    for (let i = 0; i < BARS + 1; i++)
      plain.push((await get(barsUrl(), as("198.51.100.5"))).status);
    expect(plain.at(-1)).toBe(429);
  });
});

describe("a heavy client's points are taken in batches (issue 17)", () => {
  const LIMIT = 100; // batches of at most 5
  let d: TestCluster;
  beforeAll(async () => {
    d = await startTestCluster("rate-limits-batches", {
      instances: 2,
      env: { ...TOKEN_ENV, RATE_LIMIT_BARS: String(LIMIT), RATE_LIMIT_WINDOW_S: "3600" },
    });
  });
  afterAll(async () => {
    await d?.close();
  });

  it("two instances still admit at most the limit between them, and early by less than a batch", async () => {
    const client = "198.51.100.7";
    const url = d.url + barsPath(barsRange(8, 15));
    const read = async (pin: string) =>
      (await get(url, { "x-forwarded-for": client, [HEADERS.routeTo]: pin })).status;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await read("i1"), await read("i2"));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Then only on i2 until it refuses; i1 may still hold a few of the client's points.
    const onI2: number[] = [];
    while (onI2.at(-1) !== 429 && onI2.length < LIMIT) onI2.push(await read("i2"));
    expect(onI2.at(-1)).toBe(429);
    const admitted = 60 + onI2.filter((s) => s === 200).length;
    expect(admitted).toBeLessThanOrEqual(LIMIT);
    expect(admitted).toBeGreaterThanOrEqual(LIMIT - 4);
    expect(await d.redis.get(`${d.keyPrefix}ratelimit:bars:${client}`)).toBe(String(LIMIT));
    // i1 serves what it holds and then refuses too: the limit exactly, between them.
    const onI1: number[] = [];
    for (let i = 0; i < 6; i++) onI1.push(await read("i1"));
    expect(admitted + onI1.filter((s) => s === 200).length).toBe(LIMIT);
    expect(onI1.at(-1)).toBe(429);
  });
});

describe("Redis unreachable", () => {
  let redis: PrivateServer;
  let d: TestCluster;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    d = await startTestCluster("rate-limits-no-redis", {
      instances: 1,
      env: { ...TOKEN_ENV, REDIS_URL: redis.url, RATE_LIMIT_BACKTESTS: "1" },
    });
  });
  afterAll(async () => {
    await d?.close();
    await redis?.close();
  });

  it("the limiter fails open: no 429 (nor 500) while it cannot count", async () => {
    const post = async () =>
      (
        await fetch(`${d.url}/api/backtests`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: backtest(),
        })
      ).status;
    expect([await post(), await post()]).toEqual([202, 429]);
    await redis.stop();
    // Until the instance has seen its connection close it still counts (and remembers
    // this window as used up): ask once it says it is degraded.
    await expect
      .poll(async () => (await fetch(`${d.url}/ops/health`)).status, { timeout: 10_000 })
      .toBe(503);
    const statuses = [await post(), await post(), await post()];
    expect(statuses).toEqual([202, 202, 202]);
    await redis.start();
  });
});

describe("the client's address", () => {
  const balancer = trustedProxies("127.0.0.1,::1,10.0.0.0/8");
  it("believes X-Forwarded-For only hop by hop from trusted proxies", () => {
    expect(clientAddress("127.0.0.1", "203.0.113.9", balancer)).toBe("203.0.113.9");
    // A client's forged entries sit left of what our balancer appended.
    expect(clientAddress("127.0.0.1", "1.2.3.4, 203.0.113.9", balancer)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:127.0.0.1", "10.1.2.3, 203.0.113.9", balancer)).toBe(
      "203.0.113.9",
    );
    expect(clientAddress("::1", "", balancer)).toBe("::1");
    // From anyone else the header is ignored.
    expect(clientAddress("203.0.113.7", "1.2.3.4", balancer)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", "1.2.3.4", trustedProxies(""))).toBe("127.0.0.1");
  });
});
