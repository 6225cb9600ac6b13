import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import type { RedisClient } from "../redis/client.ts";

/** Published by FILL/FAIL; every instance's subscriber receives every message. */
export const READY_CHANNEL = REDIS_KEYS.cacheReadyChannel;

export type ReadyMessage =
  | { readonly key: string; readonly kind: "ready"; readonly bytes?: Buffer | undefined }
  | { readonly key: string; readonly kind: "error"; readonly error: string };

/** The message's header; FILL may append `\n` and the value's bytes (see ATTACH_MAX_BYTES). */
export const encodeReady = (
  m:
    | { readonly key: string; readonly kind: "ready" }
    | { readonly key: string; readonly kind: "error"; readonly error: string },
): string => JSON.stringify(m);

/**
 * Values up to this size travel in the fill's message itself when some lookup waits on
 * the lease (the fill script sees its mark, see scripts.ts), so a woken waiter has them at
 * once instead of asking Redis again (one round trip less per release; every instance's
 * subscriber receives them, once per such fill). Larger ones, and fills nobody waited
 * for, publish the key's name only; a waiter woken by name reads the value with one GET.
 *
 * The limit keeps the whole message (value, header, RESP framing) under 64 KB, what Redis
 * writes to one client per event loop turn (NET_MAX_WRITES_PER_EVENT): a larger message
 * reaches each subscriber in two writes, the second after Redis has served its other
 * clients (the fill's reply, every other instance's subscriber). Measured (waiter in its
 * own process, per-step timestamps, loaded 2-core machine): a 64 KB value arrived in two
 * chunks about 1 ms apart and its first byte ~2.5 ms after the holder's fill reply, vs
 * ~1 ms for a name-only wake-up, so attaching lost to a wake-up and one GET; values
 * up to ~56 KB arrived in one chunk and attaching beat the GET (1 KB: 1.16 vs 1.70 ms
 * p50; 48 KB: 3.5 vs 5.9 ms). `pnpm bench wake` shows both designs (attachMaxBytes).
 */
export const ATTACH_MAX_BYTES = 60 * 1024;

const NEWLINE = 0x0a;

/** A message from the channel: a JSON header (never a raw newline), then any value bytes. */
export const decodeReady = (raw: Buffer): ReadyMessage | undefined => {
  const cut = raw.indexOf(NEWLINE);
  let m: ReadyMessage;
  try {
    m = JSON.parse(raw.toString("utf8", 0, cut === -1 ? raw.length : cut)) as ReadyMessage;
  } catch {
    return undefined; // not ours: someone else published on the channel
  }
  if (typeof m?.key !== "string") return undefined;
  return cut !== -1 && m.kind === "ready" ? { ...m, bytes: raw.subarray(cut + 1) } : m;
};

/** A waiter's mailbox: it is registered *before* the waiter asks Redis, so no wake-up is lost. */
export interface Waiter {
  /** Resolves with the next message for the key, or undefined after `timeoutMs`. */
  next(timeoutMs: number): Promise<ReadyMessage | undefined>;
  dispose(): void;
}

/**
 * One subscriber connection per instance, opened at boot. Waiters on this instance
 * register by key and are woken by the fill's PUBLISH: release latency is one Redis
 * round trip, not a poll interval.
 */
export class ReadyChannel {
  readonly #waiters = new Map<string, Set<Mailbox>>();
  /** Settles once the first SUBSCRIBE is answered (benches and tests wait for it). */
  subscribed: Promise<unknown> = Promise.resolve();

  private constructor(subscriber: RedisClient) {
    subscriber.on("messageBuffer", (channel: Buffer, raw: Buffer) => {
      if (channel.toString() === READY_CHANNEL) this.#deliver(raw);
    });
  }

  /**
   * Subscribes without waiting: an instance boots (degraded) while Redis is down, and
   * ioredis subscribes when it connects and again after every reconnect.
   */
  static open(subscriber: RedisClient, onError: (error: unknown) => void): ReadyChannel {
    const channel = new ReadyChannel(subscriber);
    channel.subscribed = subscriber.subscribe(READY_CHANNEL).catch(onError);
    return channel;
  }

  register(key: string): Waiter {
    const box = new Mailbox(() => {
      const set = this.#waiters.get(key);
      set?.delete(box);
      if (set?.size === 0) this.#waiters.delete(key);
    });
    let set = this.#waiters.get(key);
    if (!set) {
      set = new Set();
      this.#waiters.set(key, set);
    }
    set.add(box);
    return box;
  }

  get waiting(): number {
    let n = 0;
    for (const s of this.#waiters.values()) n += s.size;
    return n;
  }

  #deliver(raw: Buffer): void {
    if (this.#waiters.size === 0) return; // nobody here waits: not even parsed
    const m = decodeReady(raw);
    if (!m) return;
    const set = this.#waiters.get(m.key);
    if (set) for (const box of set) box.push(m);
  }
}

class Mailbox implements Waiter {
  #pending: ReadyMessage | undefined;
  #resolve: ((m: ReadyMessage | undefined) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  private readonly onDispose: () => void;
  constructor(onDispose: () => void) {
    this.onDispose = onDispose;
  }

  push(m: ReadyMessage): void {
    if (this.#resolve) {
      const r = this.#resolve;
      this.#settle();
      r(m);
    } else {
      this.#pending = m;
    }
  }

  next(timeoutMs: number): Promise<ReadyMessage | undefined> {
    if (this.#pending) {
      const m = this.#pending;
      this.#pending = undefined;
      return Promise.resolve(m);
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#timer = setTimeout(
        () => {
          this.#settle();
          resolve(undefined);
        },
        Math.max(1, timeoutMs),
      );
    });
  }

  dispose(): void {
    this.#settle();
    this.onDispose();
  }

  #settle(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolve = undefined;
  }
}
