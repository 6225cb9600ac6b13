import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { providerErrorCodec } from "../../src/bars/errorCodec.ts";
import {
  ATTACH_MAX_BYTES,
  decodeReady,
  READY_CHANNEL,
  ReadyChannel,
} from "../../src/cache/readyChannel.ts";
import { defineCacheScripts } from "../../src/cache/scripts.ts";
import { SharedCache } from "../../src/cache/sharedCache.ts";
import { faultInput } from "../../src/faults/catalog.ts";
import { FaultRegistry } from "../../src/faults/registry.ts";

/**
 * Waiter release (issue 17 #3): a fill's message carries values up to the attach limit,
 * so a waiter on another instance is released with the fill's bytes without reading
 * Redis again; a larger value wakes it by name and it reads the value with one plain GET.
 * Two caches on the real Redis, each with its own connections (two instances); the
 * waiter's lookups (the GET-or-lock script) and plain GETs are counted; every lookup's
 * first look is a plain GET (a HIT ends there), so a waiter's count starts at 1.
 */
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `t-${randomBytes(4).toString("hex")}`;
const opened: Redis[] = [];
afterAll(async () => {
  const keys = await opened[0]?.keys(`${prefix}:*`);
  if (keys?.length) await opened[0]?.del(...keys);
  for (const r of opened) r.disconnect();
});

const openCache = async (attachMaxBytes?: number) => {
  const redis = new Redis(url);
  const subscriber = new Redis(url);
  opened.push(redis, subscriber);
  defineCacheScripts(redis);
  const lookups = { n: 0, answered: 0 };
  const lookup = redis.cacheGetOrLockBuffer.bind(redis);
  redis.cacheGetOrLockBuffer = ((...args: Parameters<typeof lookup>) => {
    lookups.n += 1;
    return lookup(...args).finally(() => {
      lookups.answered += 1;
    });
  }) as typeof lookup;
  const gets = { n: 0 };
  const get = redis.getBuffer.bind(redis);
  redis.getBuffer = ((...args: Parameters<typeof get>) => {
    gets.n += 1;
    return get(...args);
  }) as typeof get;
  const ready = ReadyChannel.open(subscriber, (e) => {
    throw e;
  });
  await ready.subscribed;
  const cache = new SharedCache(redis, ready, {
    valueTtlMs: 60_000,
    leaseMs: 5_000,
    waitBudgetMs: 15_000,
    safetyPollMs: 10_000,
    errors: providerErrorCodec(2_000),
    ...(attachMaxBytes === undefined ? {} : { attachMaxBytes }),
  });
  return { cache, lookups, gets, redis };
};

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 1));
};

/** The holder fetches `bytes` once the waiter (another instance) is waiting on its lease. */
const stampede = async (
  key: string,
  bytes: Buffer,
  o: { attachMaxBytes?: number; beforeWaiterGet?: (redis: Redis) => Promise<unknown> } = {},
) => {
  const [holder, waiter] = [await openCache(o.attachMaxBytes), await openCache(o.attachMaxBytes)];
  const before = o.beforeWaiterGet;
  if (before) {
    const get = waiter.redis.getBuffer;
    waiter.redis.getBuffer = (async (...args: Parameters<typeof get>) => {
      await before(waiter.redis);
      return get(...args);
    }) as typeof get;
  }
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let fetches = 0;
  const held = holder.cache.get(key, async () => {
    fetches += 1;
    await gate;
    return { bytes, bytesIn: bytes.length };
  });
  await until(() => holder.lookups.answered === 1); // the holder holds the lease
  const waited = waiter.cache.get(key, async () => {
    fetches += 1;
    return { bytes, bytesIn: bytes.length };
  });
  await until(() => waiter.lookups.answered === 1); // told to wait on it
  release();
  const [h, w] = await Promise.all([held, waited]);
  return { h, w, waiterLookups: waiter.lookups.n, waiterGets: waiter.gets.n, fetches };
};

describe("a fill's message releases waiters on other instances", () => {
  it("with its bytes: the waiter does not read Redis again", async () => {
    const bytes = randomBytes(ATTACH_MAX_BYTES);
    const { h, w, waiterLookups, waiterGets, fetches } = await stampede(`${prefix}:{small}`, bytes);
    expect(h.outcome).toBe("MISS");
    expect([w.outcome, w.releasedBy]).toEqual(["WAIT", "wake"]);
    expect(w.bytes.equals(bytes)).toBe(true);
    // its first look (a plain GET, then the script) only: nothing read after the wake
    expect([waiterLookups, waiterGets, fetches]).toEqual([1, 1, 1]);
  });

  it("a value over the attach limit wakes by name and is read with one plain GET", async () => {
    const bytes = randomBytes(ATTACH_MAX_BYTES + 1);
    const { w, waiterLookups, waiterGets, fetches } = await stampede(`${prefix}:{large}`, bytes);
    expect([w.outcome, w.releasedBy]).toEqual(["WAIT", "wake"]);
    expect(w.bytes.equals(bytes)).toBe(true);
    // no second run of the lookup script (it copies the value through Lua twice)
    expect([waiterLookups, waiterGets, fetches]).toEqual([1, 2, 1]); // first look, then the value
  });

  it("a 64 KB value wakes by name: an attached message would exceed Redis's 64 KB write", async () => {
    // Redis writes at most 64 KB (NET_MAX_WRITES_PER_EVENT) to a client per event loop
    // turn; a message over it reaches each subscriber in two writes (see ATTACH_MAX_BYTES).
    const key = `${prefix}:{64k}`;
    const heard = await listen(key);
    const bytes = randomBytes(64 * 1024);
    const { w, waiterGets } = await stampede(key, bytes);
    expect([w.outcome, w.releasedBy, waiterGets]).toEqual(["WAIT", "wake", 2]);
    expect(w.bytes.equals(bytes)).toBe(true);
    await expect.poll(() => heard.length).toBe(1);
    expect(decodeReady(heard[0] as Buffer)).toEqual({ key, kind: "ready" });
  });

  it("the largest attached message fits in one 64 KB write, RESP framing included", async () => {
    const key = `${prefix}:{${"k".repeat(200)}}`; // a long key: a longer header
    const heard = await listen(key);
    const bytes = randomBytes(ATTACH_MAX_BYTES);
    const { w, waiterGets } = await stampede(key, bytes);
    expect([w.releasedBy, waiterGets]).toEqual(["wake", 1]);
    await expect.poll(() => heard.length).toBe(1);
    const raw = heard[0] as Buffer;
    expect(decodeReady(raw)).toMatchObject({ key, kind: "ready", bytes });
    // *3 $7 message $<n> channel $<n> payload, each line ending in CRLF
    const framing = `*3\r\n$7\r\nmessage\r\n$${READY_CHANNEL.length}\r\n${READY_CHANNEL}\r\n$${raw.length}\r\n\r\n`;
    expect(raw.length + framing.length).toBeLessThanOrEqual(64 * 1024);
  });

  it("attachMaxBytes 0: the message carries no bytes, the waiter reads them with one GET", async () => {
    const key = `${prefix}:{noattach}`;
    const heard = await listen(key);
    const bytes = randomBytes(1024);
    const { w, waiterLookups, waiterGets } = await stampede(key, bytes, { attachMaxBytes: 0 });
    expect([w.outcome, w.releasedBy]).toEqual(["WAIT", "wake"]);
    expect(w.bytes.equals(bytes)).toBe(true);
    expect([waiterLookups, waiterGets]).toEqual([1, 2]); // first look, then the value
    await expect.poll(() => heard.length).toBe(1);
    expect(decodeReady(heard[0] as Buffer)).toEqual({ key, kind: "ready" });
  });

  it("a value gone before the woken waiter reads it: it looks again and takes the lease", async () => {
    const key = `${prefix}:{evicted}`;
    const bytes = randomBytes(1024);
    const { w, waiterLookups, fetches } = await stampede(key, bytes, {
      attachMaxBytes: 0,
      beforeWaiterGet: (redis) => redis.del(key), // as if evicted between the fill and the read
    });
    expect([w.outcome, w.releasedBy]).toEqual(["MISS", "fetch"]);
    expect(w.bytes.equals(bytes)).toBe(true);
    expect([waiterLookups, fetches]).toEqual([2, 2]);
  });
});

describe("a HIT", () => {
  it("is read with a plain GET: the lookup script runs only on a miss", async () => {
    const key = `${prefix}:{hit}`;
    const { cache, lookups } = await openCache();
    const bytes = randomBytes(40 * 1024);
    const miss = await cache.get(key, async () => ({ bytes, bytesIn: bytes.length }));
    expect([miss.outcome, lookups.n]).toEqual(["MISS", 1]);
    const hit = await cache.get(key, async () => {
      throw new Error("a HIT must never fetch");
    });
    expect([hit.outcome, hit.releasedBy, hit.lockAcquired]).toEqual(["HIT", "hit", false]);
    expect(hit.bytes.equals(bytes)).toBe(true);
    expect(lookups.n).toBe(1); // the miss's script only
  });
});

/** Every message the channel carries for `key`, as raw bytes (what each subscriber buffers). */
const listen = async (key: string) => {
  const subscriber = new Redis(url);
  opened.push(subscriber);
  const heard: Buffer[] = [];
  subscriber.on("messageBuffer", (channel: Buffer, raw: Buffer) => {
    if (channel.toString() === READY_CHANNEL && decodeReady(raw)?.key === key) heard.push(raw);
  });
  await subscriber.subscribe(READY_CHANNEL);
  return heard;
};

describe("a fill nobody waited for", () => {
  it("publishes the key's name only: no subscriber is sent the value", async () => {
    const key = `${prefix}:{alone}`;
    const heard = await listen(key);
    const { cache } = await openCache();
    const bytes = randomBytes(256 * 1024);
    const r = await cache.get(key, async () => ({ bytes, bytesIn: bytes.length }));
    expect(r.outcome).toBe("MISS");
    await expect.poll(() => heard.length).toBe(1);
    expect(decodeReady(heard[0] as Buffer)).toEqual({ key, kind: "ready" });
    expect(heard[0]?.length).toBeLessThan(1024);
  });

  it("a fill some lookup waited for still sends its bytes to the channel", async () => {
    const key = `${prefix}:{waited}`;
    const heard = await listen(key);
    const bytes = randomBytes(1024);
    const { w } = await stampede(key, bytes);
    expect(w.releasedBy).toBe("wake");
    await expect.poll(() => heard.length).toBe(1);
    const m = decodeReady(heard[0] as Buffer);
    expect(m?.kind === "ready" && m.bytes?.equals(bytes)).toBe(true);
  });
});

describe("decodeReady", () => {
  it("reads the header, the bytes after the first newline, and refuses what is not ours", () => {
    const value = Buffer.from('x\ny{"key"');
    const m = decodeReady(Buffer.concat([Buffer.from('{"key":"k","kind":"ready"}\n'), value]));
    expect(m?.kind === "ready" && m.bytes?.equals(value)).toBe(true);
    expect(decodeReady(Buffer.from('{"key":"k","kind":"ready"}'))).toEqual({
      key: "k",
      kind: "ready",
    });
    expect(decodeReady(Buffer.from('{"key":"k","kind":"error","error":"e"}'))).toEqual({
      key: "k",
      kind: "error",
      error: "e",
    });
    expect(decodeReady(Buffer.from("hello"))).toBeUndefined();
    expect(decodeReady(Buffer.from("42"))).toBeUndefined();
  });
});

describe("the instance's one subscriber, shared by the ready channel and the fault registry", () => {
  it("no listener makes ioredis decode messages to strings (fills carry up to 512 KB), and a fault flip still applies", async () => {
    const redis = new Redis(url);
    const subscriber = new Redis(url);
    opened.push(redis, subscriber);
    ReadyChannel.open(subscriber, (e) => {
      throw e;
    });
    const log = pino({ level: "silent" });
    const registry = FaultRegistry.open(redis, subscriber, prefix, "i1", log);
    const otherSubscriber = new Redis(url);
    opened.push(otherSubscriber);
    const other = FaultRegistry.open(redis, otherSubscriber, prefix, "i2", log);
    // with a "message" listener ioredis turns every payload, cache fills included, into a string
    expect(subscriber.listenerCount("message")).toBe(0);
    await other.set(faultInput.parse({ name: "crash" }));
    await expect.poll(() => registry.isOn("crash")).toBe(true);
  });
});
