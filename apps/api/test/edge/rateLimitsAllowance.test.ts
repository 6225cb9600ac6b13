import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Allowance, type Take } from "../../src/rateLimits/allowance.ts";
import { defineTakeScript } from "../../src/rateLimits/takeScript.ts";

/**
 * The in-memory front of the per-client limits (issue 17 #2), on the real Redis script:
 * each Allowance is one instance's; they share nothing but Redis. What must hold: the
 * instances together never admit more than the limit; a client that reads a lot takes
 * its points in batches (most reads do not wait for Redis); light clients are counted
 * one by one; a used-up window is refused without asking Redis again.
 */
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
defineTakeScript(redis);
const prefix = `t-${randomBytes(4).toString("hex")}:ratelimit:bars:`;
const WINDOW_MS = 3_600_000;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** One instance's allowance over the shared counter, counting the takes it sends. */
const instance = (limit: number, now?: () => number) => {
  const sent = { takes: 0 };
  const take: Take = async (client, points) => {
    sent.takes += 1;
    const [taken, windowLeftMs] = await redis.rateLimitTake(
      prefix + client,
      points,
      limit,
      WINDOW_MS,
      Date.now() + 60_000, // never late here (late takes: rateLimitsLate.test.ts)
    );
    return { taken, windowLeftMs };
  };
  return { allowance: new Allowance(take, { limit, ...(now ? { now } : {}) }), sent };
};
const counted = async (client: string) => Number(await redis.get(prefix + client));

describe("the in-memory allowance in front of the Redis count", () => {
  it("two instances never admit more than the limit between them, and batch their takes", async () => {
    const limit = 200; // batches of at most 10
    const [a, b] = [instance(limit), instance(limit)];
    const client = "203.0.113.1";
    const read = async (on: typeof a, n: number) => {
      let admitted = 0;
      for (let i = 0; i < n; i++) if ((await on.allowance.spend(client)) === undefined) admitted++;
      return admitted;
    };
    let admitted = 0;
    for (let i = 0; i < 75; i++) admitted += (await read(a, 1)) + (await read(b, 1));
    expect(admitted).toBe(150);
    // Most reads were served from points already held: a take per read would be 150.
    expect(a.sent.takes + b.sent.takes).toBeLessThan(admitted / 3);
    // Now only on b: refused once Redis has no more and b's purse is empty, while a may
    // still hold points: early by at most a batch less one, never late.
    admitted += await read(b, 100);
    expect(admitted).toBeLessThanOrEqual(limit);
    expect(admitted).toBeGreaterThanOrEqual(limit - 9);
    expect(await counted(client)).toBe(limit);
    // a spends what it holds, and not one more: the limit exactly, between them.
    admitted += await read(a, 20);
    expect(admitted).toBe(limit);
  });

  it("a burst on one instance takes one batch at a time: exactly the limit is admitted", async () => {
    const limit = 50;
    const { allowance } = instance(limit);
    const client = "203.0.113.2";
    const answers = await Promise.all(Array.from({ length: 80 }, () => allowance.spend(client)));
    expect(answers.filter((w) => w === undefined)).toHaveLength(limit);
    const refused = answers.filter((w) => w !== undefined);
    expect(refused).toHaveLength(30);
    for (const w of refused) {
      expect(w).toBeGreaterThan(0);
      expect(w).toBeLessThanOrEqual(WINDOW_MS);
    }
    expect(await counted(client)).toBe(limit);
  });

  it("a light client is counted one by one: nothing is held for it", async () => {
    const [a, b] = [instance(1_000), instance(1_000)];
    const client = "203.0.113.3";
    for (let i = 0; i < 8; i++) {
      expect(await a.allowance.spend(client)).toBeUndefined();
      expect(await b.allowance.spend(client)).toBeUndefined();
    }
    expect(await counted(client)).toBe(16);
    expect(a.sent.takes + b.sent.takes).toBe(16);
  });

  it("once used up, the client is refused here until the window ends, without asking Redis", async () => {
    let clock = 0;
    const limit = 3;
    const { allowance, sent } = instance(limit, () => clock);
    const client = "203.0.113.4";
    for (let i = 0; i < limit; i++) expect(await allowance.spend(client)).toBeUndefined();
    expect(await allowance.spend(client)).toBeGreaterThan(0);
    const asked = sent.takes;
    for (let i = 0; i < 20; i++) expect(await allowance.spend(client)).toBeGreaterThan(0);
    expect(sent.takes).toBe(asked);
    // The window ends (in Redis, and on this instance's clock): a fresh allowance.
    await redis.del(prefix + client);
    clock += WINDOW_MS;
    expect(await allowance.spend(client)).toBeUndefined();
    expect(sent.takes).toBe(asked + 1);
    expect(await counted(client)).toBe(1);
  });

  it("keeps at most maxClients purses", async () => {
    const take: Take = async () => ({ taken: 1, windowLeftMs: WINDOW_MS });
    const allowance = new Allowance(take, { limit: 10, maxClients: 3 });
    for (const client of ["a", "b", "c", "d", "e"]) await allowance.spend(client);
    expect(allowance.clients).toBeLessThanOrEqual(3);
  });

  it("a full table frees a tenth of its room in one sweep, not one purse per new client", async () => {
    const take: Take = async () => ({ taken: 1, windowLeftMs: WINDOW_MS });
    const allowance = new Allowance(take, { limit: 10, maxClients: 100 });
    for (let i = 0; i < 100; i++) await allowance.spend(`live-${i}`);
    expect(allowance.clients).toBe(100);
    await allowance.spend("new-0");
    // the oldest purses dropped down to 90, then the new one: the next 9 need no sweep
    expect(allowance.clients).toBe(91);
    for (let i = 1; i < 10; i++) await allowance.spend(`new-${i}`);
    expect(allowance.clients).toBe(100);
  });
});
