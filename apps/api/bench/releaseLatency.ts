import { randomBytes } from "node:crypto";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import { Redis } from "ioredis";
import { providerErrorCodec } from "../src/bars/errorCodec.ts";
import { ReadyChannel } from "../src/cache/readyChannel.ts";
import { defineCacheScripts } from "../src/cache/scripts.ts";
import { SharedCache } from "../src/cache/sharedCache.ts";
import { type Summary, summarise } from "./stats.ts";

const openCache = async (url: string) => {
  const redis = new Redis(url);
  defineCacheScripts(redis);
  const subscriber = new Redis(url);
  const ready = ReadyChannel.open(subscriber, (e) => console.error(e));
  await ready.subscribed;
  const cache = new SharedCache(redis, ready, {
    valueTtlMs: 60_000,
    leaseMs: 5_000,
    waitBudgetMs: 15_000,
    safetyPollMs: 1_000,
    errors: providerErrorCodec(2_000),
  });
  return {
    cache,
    close: () => {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
};

/**
 * Waiter release latency: a holder (one "instance": its own connections) fetches while
 * a waiter on another "instance" waits; the time from the moment the holder's value is
 * ready to the moment the waiter has it. Same process, so one clock; the wake-up still
 * crosses real Redis pub/sub. The safety poll (1 s) shows what a polling design would cost.
 */
export const benchReleaseLatency = async (redisUrl: string, rounds: number): Promise<Summary> => {
  const holder = await openCache(redisUrl);
  const waiter = await openCache(redisUrl);
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const bytes = randomBytes(64 * 1024);
  const samples: number[] = [];
  const probe = new Redis(redisUrl);
  try {
    for (let i = 0; i < rounds; i++) {
      const key = `${prefix}:{k${i}}`;
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let readyAt = 0;
      const held = holder.cache.get(key, async () => {
        await gate;
        readyAt = performance.now();
        return { bytes, bytesIn: bytes.length };
      });
      // Let the holder take the lease, then start the waiter on the other instance.
      while ((await probe.exists(REDIS_KEYS.cacheLock(key))) === 0) {
        await new Promise((r) => setTimeout(r, 1));
      }
      const waited = waiter.cache.get(key, async () => {
        throw new Error("the waiter must never fetch");
      });
      await new Promise((r) => setTimeout(r, 5));
      release();
      const r = await waited;
      samples.push(performance.now() - readyAt);
      await held;
      if (r.outcome !== "WAIT") throw new Error(`expected WAIT, got ${r.outcome}`);
    }
  } finally {
    const cleanup = new Redis(redisUrl);
    const keys = await cleanup.keys(`${prefix}:*`);
    if (keys.length) await cleanup.del(...keys);
    cleanup.disconnect();
    probe.disconnect();
    holder.close();
    waiter.close();
  }
  return summarise("waiter release after fill (pub/sub wake-up)", samples);
};

/**
 * The floor a wake-up is built on: one PUBLISH of the same bytes from one connection to a
 * subscriber on another, timed from the send to the delivery (same process, one clock).
 */
export const benchBarePubSub = async (redisUrl: string, rounds: number): Promise<Summary> => {
  const publisher = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  const channel = `bench-${randomBytes(4).toString("hex")}`;
  const bytes = randomBytes(64 * 1024);
  const samples: number[] = [];
  let heard: () => void = () => {};
  subscriber.on("messageBuffer", () => heard());
  try {
    await subscriber.subscribe(channel);
    for (let i = 0; i < rounds; i++) {
      const got = new Promise<void>((r) => {
        heard = r;
      });
      await new Promise((r) => setTimeout(r, 5)); // the same idle gap as the waiter rounds
      const sent = performance.now();
      await publisher.publish(channel, bytes);
      await got;
      samples.push(performance.now() - sent);
    }
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }
  return summarise("bare PUBLISH -> subscriber, same bytes (anchor)", samples);
};
