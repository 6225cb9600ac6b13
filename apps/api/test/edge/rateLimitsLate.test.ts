import { randomBytes } from "node:crypto";
import { type AddressInfo, createConnection, createServer, type Server } from "node:net";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInstanceEnv } from "../../src/config/env.ts";
import { RateLimits } from "../../src/rateLimits/limiter.ts";
import { defineTakeScript } from "../../src/rateLimits/takeScript.ts";

/**
 * A take that reaches Redis after the instance stopped waiting for it (250 ms) must not
 * spend: the instance let the request through without it and never spends what it took.
 * The real Redis, reached through a proxy that holds each command `delayMs` before
 * passing it on (the instance's clock can be shifted against Redis's).
 */
const REDIS_URL = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const direct = new Redis(REDIS_URL.href);
const prefix = `t-${randomBytes(4).toString("hex")}:`;
const log = pino({ level: "silent" });

/** Forwards to Redis, each chunk from the client `delayMs` late; counts answers relayed. */
const delayingProxy = async () => {
  const state = { delayMs: 0, answers: 0 };
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(REDIS_URL.port || 6379), REDIS_URL.hostname);
    client.on("data", (chunk) => {
      setTimeout(() => upstream.write(chunk), state.delayMs);
    });
    upstream.on("data", (chunk) => {
      client.write(chunk);
      state.answers += 1;
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { state, url: `redis://127.0.0.1:${port}`, server };
};

let proxy: Awaited<ReturnType<typeof delayingProxy>>;
const opened: Redis[] = [direct];
beforeAll(async () => {
  proxy = await delayingProxy();
  // Redis knows the script before the first take through the proxy: each take is then
  // one EVALSHA and one answer (not a NOSCRIPT, then an EVAL).
  defineTakeScript(direct);
  await direct.rateLimitTake(`${prefix}warm`, 1, 1, 1_000, Date.now() + 60_000);
});
afterAll(async () => {
  const keys = await direct.keys(`${prefix}*`);
  if (keys.length > 0) await direct.del(...keys);
  for (const r of opened) r.disconnect();
  proxy?.server.close();
});

/** One instance's limits (5 bars reads a window) on a connection through the proxy. */
const limits = async (now?: () => number) => {
  const redis = new Redis(proxy.url);
  opened.push(redis);
  await new Promise<void>((r) => redis.once("ready", () => r()));
  const env = loadInstanceEnv({ CACHE_KEY_PREFIX: prefix, RATE_LIMIT_BARS: "5" });
  return new RateLimits(redis, env, log, now);
};
const counted = async (client: string) => direct.get(`${prefix}ratelimit:bars:${client}`);

/** Spends one point; waits until Redis has answered the take it sent (late or not). */
const read = async (rl: RateLimits, client: string) => {
  const answersBefore = proxy.state.answers;
  await rl.consume("bars", { client, exempt: false });
  await expect.poll(() => proxy.state.answers, { timeout: 5_000 }).toBeGreaterThan(answersBefore);
};

describe("a rate-limit take that reaches Redis late", () => {
  it("spends nothing: the request was let through without it", async () => {
    const rl = await limits();
    proxy.state.delayMs = 400;
    await read(rl, "198.51.100.1"); // admitted at the timeout: Redis did not answer in time
    proxy.state.delayMs = 0;
    expect(await counted("198.51.100.1")).toBeNull();
    await read(rl, "198.51.100.1"); // in time: counted
    expect(await counted("198.51.100.1")).toBe("1");
  });

  it("with this instance's clock 10 s ahead of Redis's: learnt from the first answer", async () => {
    const rl = await limits(() => Date.now() + 10_000);
    const client = "198.51.100.2";
    proxy.state.delayMs = 0;
    await read(rl, client); // in time; its answer tells the clocks apart
    proxy.state.delayMs = 400;
    await read(rl, client); // late by Redis's clock, though early by this instance's
    proxy.state.delayMs = 0;
    expect(await counted(client)).toBe("1");
  });

  it("with this instance's clock 10 s behind Redis's: one take refused as late, then counted", async () => {
    const rl = await limits(() => Date.now() - 10_000);
    const client = "198.51.100.3";
    proxy.state.delayMs = 0;
    await read(rl, client); // its deadline looks 10 s past to Redis: refused, let through
    expect(await counted(client)).toBeNull();
    await read(rl, client);
    await read(rl, client);
    expect(await counted(client)).toBe("2");
  });
});
