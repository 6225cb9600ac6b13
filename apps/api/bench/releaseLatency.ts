import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import { Redis } from "ioredis";
import { providerErrorCodec } from "../src/bars/errorCodec.ts";
import { ATTACH_MAX_BYTES, ReadyChannel } from "../src/cache/readyChannel.ts";
import { defineCacheScripts } from "../src/cache/scripts.ts";
import { SharedCache } from "../src/cache/sharedCache.ts";
import { type Summary, summarise } from "./stats.ts";

const K = 1024;
const VALUE_BYTES = 64 * K;

/** One row of the table: `round(i)` measures one sample (ms); rows take turns round by round. */
interface Row {
  readonly name: string;
  round(i: number): Promise<number>;
  close(): Promise<void>;
}

const idle = () => new Promise((r) => setTimeout(r, 5)); // the same idle gap before every sample

/** An instance: its connections, and a cache on them per attach limit (one per design). */
const openCache = async (url: string) => {
  const redis = new Redis(url);
  defineCacheScripts(redis);
  const subscriber = new Redis(url);
  const ready = ReadyChannel.open(subscriber, (e) => console.error(e));
  await ready.subscribed;
  return {
    cache: (attachMaxBytes = ATTACH_MAX_BYTES) =>
      new SharedCache(redis, ready, {
        valueTtlMs: 60_000,
        leaseMs: 5_000,
        waitBudgetMs: 15_000,
        safetyPollMs: 1_000,
        errors: providerErrorCodec(2_000),
        attachMaxBytes,
      }),
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

const SELF = fileURLToPath(import.meta.url);

/** Monotonic and shared by every process on the machine (CLOCK_MONOTONIC), in ms. */
const clock = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * The waiting instance, a process of its own as in production: were it in the holder's
 * process, the two would share one event loop, and the holder's own subscriber (which
 * receives every message too) and its fill's reply would be read before or between the
 * waiter's chunks. Told a key on stdin, it waits on it, says so, and reports the
 * moment it had the value (`clock()`); the bench's clock starts in the holder's process.
 */
const waiterProcess = async (url: string): Promise<void> => {
  const instance = await openCache(url);
  const cache = instance.cache();
  const say = (m: object) => process.stdout.write(`${JSON.stringify(m)}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const key of lines) {
    const waited = cache.get(key, async () => {
      throw new Error("the waiter must never fetch");
    });
    await instance.waiting();
    say({ waiting: key });
    const r = await waited;
    const at = clock();
    const ok = r.outcome === "WAIT" && r.releasedBy === "wake";
    say({ at, ok, how: `${r.outcome}/${r.releasedBy}`, bytes: r.bytes.length });
  }
  instance.close();
};

type Instance = Awaited<ReturnType<typeof openCache>>;
type WaiterProcess = ReturnType<typeof spawnWaiter>;

const spawnWaiter = (url: string) => {
  const proc = spawn(process.execPath, [SELF, "waiter", url], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error("the waiter process exited");
    return JSON.parse(line.value) as {
      waiting?: string;
      at?: number;
      ok?: boolean;
      how?: string;
      bytes?: number;
    };
  };
  return {
    /** Resolves once the waiter waits on `key`; then `released` resolves with its answer. */
    wait: async (key: string) => {
      proc.stdin.write(`${key}\n`);
      await next();
      return { released: next };
    },
    close: () => proc.stdin.end(),
  };
};

/**
 * Waiter release latency: a holder (this process, its own connections) fetches while a
 * waiter in another process (another instance) waits; the time from the moment the
 * holder's value is ready to the moment the waiter has it, on the machine's monotonic
 * clock. The wake-up crosses real Redis pub/sub. `attachMaxBytes` picks the design: the
 * value in the fill's message, or a small wake-up and one GET.
 */
const releaseRow = async (
  url: string,
  name: string,
  valueBytes: number,
  attachMaxBytes: number,
  holder: Instance,
  waiter: WaiterProcess,
): Promise<Row> => {
  const cache = holder.cache(attachMaxBytes);
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const bytes = randomBytes(valueBytes);
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
      const held = cache.get(key, async () => {
        await gate;
        readyAt = clock();
        return { bytes, bytesIn: bytes.length };
      });
      // Let the holder take the lease, then start the waiter on the other instance.
      while ((await probe.exists(REDIS_KEYS.cacheLock(key))) === 0) {
        await new Promise((r) => setTimeout(r, 1));
      }
      const { released } = await waiter.wait(key);
      await idle();
      release();
      const [r] = await Promise.all([released(), held]);
      if (!r.ok || r.at === undefined || r.bytes !== valueBytes) {
        throw new Error(`expected a woken WAIT with the bytes, got ${r.how}`);
      }
      return r.at - readyAt;
    },
    close: async () => {
      const keys = await probe.keys(`${prefix}:*`);
      if (keys.length) await probe.del(...keys);
      probe.disconnect();
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
 * round by round (a busy machine slows them alike). 64 KB values (the anchors), then
 * 48 KB, under ATTACH_MAX_BYTES: the two designs either side of Redis's 64 KB write.
 */
export const benchWake = async (url: string, rounds: number): Promise<Summary[]> => {
  // One holder instance and one waiter instance for both designs: two subscribers on the
  // channel, as in a two-instance deployment.
  const holder = await openCache(url);
  const waiter = spawnWaiter(url);
  const rows = [
    await barePublishRow(url),
    await bareWakeGetRow(url),
    await bareSetWakeGetRow(url),
    // 64 KB (the anchors' size) is over ATTACH_MAX_BYTES: the first row forces attaching.
    await releaseRow(url, "release: value in the fill's message", 64 * K, 64 * K, holder, waiter),
    await releaseRow(url, "release: tiny wake-up + one GET", 64 * K, 0, holder, waiter),
    await releaseRow(url, "release 48 KB: value in the message", 48 * K, 48 * K, holder, waiter),
    await releaseRow(url, "release 48 KB: tiny wake-up + GET", 48 * K, 0, holder, waiter),
  ];
  const samples = rows.map(() => [] as number[]);
  try {
    for (let i = 0; i < rounds; i++) {
      for (const [j, row] of rows.entries()) samples[j]?.push(await row.round(i));
    }
  } finally {
    for (const row of rows) await row.close();
    holder.close();
    waiter.close();
  }
  return rows.map((row, j) => summarise(row.name, samples[j] ?? []));
};

if (process.argv[1] === SELF && process.argv[2] === "waiter") {
  await waiterProcess(process.argv[3] ?? "redis://127.0.0.1:6379");
}
