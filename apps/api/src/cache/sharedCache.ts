import { randomBytes } from "node:crypto";
import { StampedeTimeout } from "@scaleproof/core/bars/errors";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import type { Redis } from "ioredis";
import type { CacheMetrics } from "../metrics/cache.ts";
import { encodeReady, READY_CHANNEL, type ReadyChannel } from "./readyChannel.ts";

/** HIT: served from Redis at once. MISS: this request fetched. WAIT: waited for another's fetch. */
export type CacheOutcome = "HIT" | "MISS" | "WAIT";

export interface CacheResult {
  readonly bytes: Buffer;
  readonly outcome: CacheOutcome;
  /** This request held the lease (it or its single-flight leader fetched). */
  readonly lockAcquired: boolean;
  /** This request caused the provider call. */
  readonly providerFetch: boolean;
  /** Answered by another request in flight on this instance, without touching Redis. */
  readonly coalesced: boolean;
  /** The lease was taken over from a holder whose lease expired (it died or stalled). */
  readonly takeover: boolean;
  readonly bytesIn: number;
}

export interface Loaded {
  readonly bytes: Buffer;
  readonly bytesIn: number;
}

/** How errors travel through Redis to waiters, and how long each kind stays cached. */
export interface ErrorCodec {
  encode(error: unknown): { readonly payload: string; readonly ttlMs: number };
  decode(payload: string): Error;
}

export interface SharedCacheOptions {
  readonly valueTtlMs: number;
  /** Lease length; the holder renews it every third of it while fetching. */
  readonly leaseMs: number;
  /** A waiter gives up with StampedeTimeout after this long. */
  readonly waitBudgetMs: number;
  /** Re-check interval in case a wake-up is lost (e.g. the subscriber reconnected). */
  readonly safetyPollMs: number;
  readonly errors: ErrorCodec;
  /**
   * Fault switch (admin-only, faults enabled): when it answers false the lease is
   * skipped, so every miss fetches. It exists to prove the cache profile catches it.
   */
  readonly protectionEnabled?: () => boolean;
  /** Told how each lookup was answered (Prometheus counters). */
  readonly metrics?: CacheMetrics;
}

/**
 * Read-through cache shared by every instance, with at most one provider fetch per key
 * however many instances ask at once (DESIGN section 3).
 */
export class SharedCache {
  readonly #inflight = new Map<string, Promise<CacheResult>>();

  constructor(
    private readonly redis: Redis,
    private readonly ready: ReadyChannel,
    private readonly options: SharedCacheOptions,
  ) {}

  async get(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<CacheResult> {
    try {
      const r = await this.#get(key, load);
      this.options.metrics?.served(r);
      return r;
    } catch (error) {
      this.options.metrics?.failed(error);
      throw error;
    }
  }

  async #get(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<CacheResult> {
    if (this.options.protectionEnabled?.() === false) return this.#naive(key, load);
    const leader = this.#inflight.get(key);
    if (leader) {
      const r = await leader;
      return {
        bytes: r.bytes,
        outcome: r.outcome === "HIT" ? "HIT" : "WAIT",
        lockAcquired: false,
        providerFetch: false,
        coalesced: true,
        takeover: false,
        bytesIn: 0,
      };
    }
    const p = this.#resolve(key, load).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  async #resolve(
    key: string,
    load: (signal: AbortSignal) => Promise<Loaded>,
  ): Promise<CacheResult> {
    const lockKey = REDIS_KEYS.cacheLock(key);
    const errKey = REDIS_KEYS.cacheError(key);
    const token = randomBytes(12).toString("base64url");
    const waiter = this.ready.register(key);
    const started = Date.now();
    let waited = false;
    try {
      for (;;) {
        const [tag, payload] = await this.redis.cacheGetOrLockBuffer(
          key,
          lockKey,
          errKey,
          token,
          this.options.leaseMs,
        );
        if (tag === 1 && Buffer.isBuffer(payload)) {
          return result(payload, waited ? "WAIT" : "HIT", false, 0, false);
        }
        if (tag === 2 && Buffer.isBuffer(payload))
          throw this.options.errors.decode(payload.toString());
        if (tag === 3) return await this.#hold(key, lockKey, errKey, token, load, waited);
        waited = true;
        const remaining = this.options.waitBudgetMs - (Date.now() - started);
        if (remaining <= 0) {
          throw new StampedeTimeout({ cacheKey: key, waitedMs: Date.now() - started });
        }
        const pttl = typeof payload === "number" && payload > 0 ? payload : 1;
        // Wake on the fill's message; else re-check when the lease would expire (holder
        // death: one waiter's SET NX wins the takeover), or at the safety poll.
        const m = await waiter.next(Math.min(pttl + 5, this.options.safetyPollMs, remaining));
        if (m?.kind === "error") throw this.options.errors.decode(m.error);
      }
    } finally {
      waiter.dispose();
    }
  }

  /** Plain cache-aside with no lease and no single-flight: what the fault switch turns on. */
  async #naive(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<CacheResult> {
    const hit = await this.redis.getBuffer(key);
    if (hit) return result(hit, "HIT", false, 0, false);
    const loaded = await load(new AbortController().signal);
    await this.redis.set(key, loaded.bytes, "PX", this.options.valueTtlMs);
    return result(loaded.bytes, "MISS", true, loaded.bytesIn, false);
  }

  async #hold(
    key: string,
    lockKey: string,
    errKey: string,
    token: string,
    load: (signal: AbortSignal) => Promise<Loaded>,
    waited: boolean,
  ): Promise<CacheResult> {
    const { leaseMs } = this.options;
    const abort = new AbortController();
    const renew = setInterval(() => {
      this.redis.cacheRenew(lockKey, token, leaseMs).catch(() => {
        // A failed renewal only shortens the lease; the fill still releases it.
      });
    }, leaseMs / 3);
    try {
      let loaded: Loaded;
      try {
        loaded = await load(abort.signal);
      } catch (error) {
        const { payload, ttlMs } = this.options.errors.encode(error);
        const message = encodeReady({ key, kind: "error", error: payload });
        await this.redis.cacheFail(errKey, lockKey, token, payload, ttlMs, READY_CHANNEL, message);
        throw error;
      }
      const message = encodeReady({ key, kind: "ready" });
      await this.redis.cacheFill(
        key,
        lockKey,
        token,
        loaded.bytes,
        this.options.valueTtlMs,
        READY_CHANNEL,
        message,
      );
      return result(loaded.bytes, "MISS", true, loaded.bytesIn, waited);
    } finally {
      clearInterval(renew);
      abort.abort();
    }
  }
}

const result = (
  bytes: Buffer,
  outcome: CacheOutcome,
  fetched: boolean,
  bytesIn: number,
  takeover: boolean,
): CacheResult => ({
  bytes,
  outcome,
  lockAcquired: fetched,
  providerFetch: fetched,
  coalesced: false,
  takeover,
  bytesIn,
});
