import { randomBytes } from "node:crypto";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import { Redis } from "ioredis";
import { providerErrorCodec } from "../src/bars/errorCodec.ts";
import { ATTACH_MAX_BYTES, ReadyChannel } from "../src/cache/readyChannel.ts";
import { defineCacheScripts } from "../src/cache/scripts.ts";
import { SharedCache } from "../src/cache/sharedCache.ts";
import { type Summary, summarise } from "./stats.ts";

const VALUE_BYTES = 64 * 1024;

/** One row of the table: `round(i)` measures one sample (ms); rows take turns round by round. */
interface Row {
  readonly name: string;
  round(i: number): Promise<number>;
  close(): Promise<void>;
}

const idle = () => new Promise((r) => setTimeout(r, 5)); // the same idle gap before every sample

const openCache = async (url: string, attachMaxBytes: number) => {
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
    attachMaxBytes,
  });
  return {
    cache,
    /**
     * Resolves once a lookup on this instance waits: it has registered for the wake-up,
     * and its lock script (sent on `redis` in the same tick) has been answered, so the
     * holder's fill comes after the waiter heard "locked" (a PING on the same
     * connection is answered after it).
     */
    waiting: async () => {
      while (ready.waiting === 0) await new Promise((r) => setTimeout(r, 1));
      await redis.ping();
    },
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
 * crosses real Redis pub/sub. `attachMaxBytes` picks the design: the value in the
 * fill's message, or a small wake-up and one GET.
 */
const releaseRow = async (url: string, name: string, attachMaxBytes: number): Promise<Row> => {
  const holder = await openCache(url, attachMaxBytes);
  const waiter = await openCache(url, attachMaxBytes);
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const bytes = randomBytes(VALUE_BYTES);
  const probe = new Redis(url);
  return {
    name,
    round: async (i) => {
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
      await waiter.waiting();
      await idle();
      release();
      const r = await waited;
      const ms = performance.now() - readyAt;
      await held;
      if (r.outcome !== "WAIT" || r.releasedBy !== "wake" || !r.bytes.equals(bytes)) {
        throw new Error(`expected a woken WAIT with the bytes, got ${r.outcome}/${r.releasedBy}`);
      }
      return ms;
    },
    close: async () => {
      const keys = await probe.keys(`${prefix}:*`);
      if (keys.length) await probe.del(...keys);
      probe.disconnect();
      holder.close();
      waiter.close();
    },
  };
};

/** A publisher, a subscriber and a reader on their own connections, the value stored once. */
const bareClients = async (url: string) => {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const reader = new Redis(url);
  const channel = `bench-${randomBytes(4).toString("hex")}`;
  const key = `${channel}:{v}`;
  const bytes = randomBytes(VALUE_BYTES);
  let heard: () => void = () => {};
  subscriber.on("messageBuffer", () => heard());
  await subscriber.subscribe(channel);
  await publisher.set(key, bytes, "PX", 600_000);
  const message = () =>
    new Promise<void>((r) => {
      heard = r;
    });
  const close = async () => {
    await publisher.del(key);
    for (const c of [publisher, subscriber, reader]) c.disconnect();
  };
  return { publisher, reader, channel, key, bytes, message, close };
};

type Bare = Awaited<ReturnType<typeof bareClients>>;

/**
 * An anchor row: `send` from the clock's start, then the subscriber's delivery, then
 * (when `readBack`) one GET of the stored bytes, as a waiter woken by name would.
 */
const bareRow = async (
  url: string,
  name: string,
  send: (c: Bare) => Promise<unknown>,
  readBack: boolean,
): Promise<Row> => {
  const c = await bareClients(url);
  return {
    name,
    round: async () => {
      const got = c.message();
      await idle();
      const sent = performance.now();
      await send(c);
      await got;
      if (readBack) {
        const value = await c.reader.getBuffer(c.key);
        if (value?.length !== VALUE_BYTES) throw new Error("the anchor's GET missed");
      }
      return performance.now() - sent;
    },
    close: c.close,
  };
};

/** The floor of "value in the message": one PUBLISH of the bytes, send to delivery. */
const barePublishRow = (url: string) =>
  bareRow(
    url,
    "bare PUBLISH 64 KB -> subscriber (anchor)",
    (c) => c.publisher.publish(c.channel, c.bytes),
    false,
  );

/** The floor of "wake, then read": a tiny PUBLISH, then one GET of the bytes on delivery. */
const bareWakeGetRow = (url: string) =>
  bareRow(
    url,
    "bare tiny PUBLISH -> sub -> GET (anchor)",
    (c) => c.publisher.publish(c.channel, "k"),
    true,
  );

/** The same, with the upload a fill must make: SET 64 KB and a tiny PUBLISH in one MULTI. */
const bareSetWakeGetRow = (url: string) =>
  bareRow(
    url,
    "bare SET, tiny PUB -> sub -> GET (anchor)",
    (c) => c.publisher.multi().set(c.key, c.bytes, "PX", 600_000).publish(c.channel, "k").exec(),
    true,
  );

/**
 * The cache wake-up next to the bare Redis round trips it is built on, rows taking turns
 * round by round (a busy machine slows them alike). 64 KB values.
 */
export const benchWake = async (url: string, rounds: number): Promise<Summary[]> => {
  const rows = [
    await barePublishRow(url),
    await bareWakeGetRow(url),
    await bareSetWakeGetRow(url),
    await releaseRow(url, "release: value in the fill's message", ATTACH_MAX_BYTES),
    await releaseRow(url, "release: tiny wake-up + one GET", 0),
  ];
  const samples = rows.map(() => [] as number[]);
  try {
    for (let i = 0; i < rounds; i++) {
      for (const [j, row] of rows.entries()) samples[j]?.push(await row.round(i));
    }
  } finally {
    for (const row of rows) await row.close();
  }
  return rows.map((row, j) => summarise(row.name, samples[j] ?? []));
};
