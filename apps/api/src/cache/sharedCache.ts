import { randomBytes } from "node:crypto";
import { StampedeTimeout } from "@scaleproof/core/bars/errors";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import type { CacheMetrics } from "../metrics/cache.ts";
import type { RedisClient } from "../redis/client.ts";
import { ATTACH_MAX_BYTES, encodeReady, READY_CHANNEL, type ReadyChannel } from "./readyChannel.ts";

/**
 * A lease token: this process's random prefix and a counter, unique across instances and
 * boots without asking the CSPRNG on every lookup (HITs included).
 */
const TOKEN_PREFIX = randomBytes(12).toString("base64url");
let tokens = 0;
const nextToken = () => `${TOKEN_PREFIX}.${(++tokens).toString(36)}`;

/** HIT: served from Redis at once. MISS: this request fetched. WAIT: waited for another's fetch. */
export type CacheOutcome = "HIT" | "MISS" | "WAIT";

/**
 * How a request got its answer (persisted per request: the evidence that concurrent
 * requests overlapped one fetch). `hit`: the value was there at its first look. `fetch`:
 * it fetched and filled (a takeover too). `wake`: it waited on the lease and the fill's
 * pub/sub message woke it. `poll`: it waited and found the value on a timed re-check
 * (lease TTL or safety poll). `single-flight`: it shared a request already in flight on
 * this instance, without touching Redis.
 */
export type Release = "hit" | "fetch" | "wake" | "poll" | "single-flight";

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
  readonly releasedBy: Release;
  /** This instance's clock (ms since the epoch): when the lookup began and was answered. */
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The fetcher's own clock: its provider call began, and it sent the fill (null for others). */
  readonly fetchStartedAt: number | null;
  readonly filledAt: number | null;
}

/** A lookup's answer before its own start and end are stamped on it. */
type Served = Omit<CacheResult, "startedAt" | "finishedAt">;

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
  /**
   * Values up to this size travel in the fill's message when some lookup waits (default
   * ATTACH_MAX_BYTES); larger ones wake waiters by name and each reads it with one GET.
   */
  readonly attachMaxBytes?: number;
  readonly errors: ErrorCodec;
  /**
   * Fault switches (admin-only, faults enabled), each answering false to break one layer
   * of the protocol, so the cache profile can be shown to FAIL on it: without the lease
   * every instance's miss fetches (single-flight still coalesces within an instance);
   * without single-flight every request on an instance goes to Redis on its own.
   */
  readonly leaseEnabled?: () => boolean;
  readonly singleFlightEnabled?: () => boolean;
  /** Told how each lookup was answered (Prometheus counters). */
  readonly metrics?: CacheMetrics;
}

/**
 * Read-through cache shared by every instance, with at most one provider fetch per key
 * however many instances ask at once (DESIGN section 3).
 */
export class SharedCache {
  readonly #inflight = new Map<string, Promise<Served>>();

  private readonly redis: RedisClient;
  private readonly ready: ReadyChannel;
  private readonly options: SharedCacheOptions;
  constructor(redis: RedisClient, ready: ReadyChannel, options: SharedCacheOptions) {
    this.redis = redis;
    this.ready = ready;
    this.options = options;
  }

  async get(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<CacheResult> {
    const startedAt = Date.now();
    try {
      const r: CacheResult = { ...(await this.#get(key, load)), startedAt, finishedAt: Date.now() };
      this.options.metrics?.served(r);
      return r;
    } catch (error) {
      this.options.metrics?.failed(error);
      throw error;
    }
  }

  async #get(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<Served> {
    const lease = this.options.leaseEnabled?.() !== false;
    if (this.options.singleFlightEnabled?.() === false) {
      return lease ? this.#resolve(key, load) : this.#unlocked(key, load);
    }
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
        releasedBy: "single-flight",
        fetchStartedAt: null,
        filledAt: null,
      };
    }
    const p = (lease ? this.#resolve(key, load) : this.#unlocked(key, load)).finally(() =>
      this.#inflight.delete(key),
    );
    this.#inflight.set(key, p);
    return p;
  }

  async #resolve(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<Served> {
    // The first look is a plain GET: a HIT (nearly every lookup) costs one GET, with no
    // waiter, token or script; the script copies the value through Lua, ~0.1 ms more for
    // 40 KB (issue 17). Only a miss goes on to the script, which looks again atomically.
    const hit = await this.redis.getBuffer(key);
    if (hit) return released(hit, "hit");
    const lockKey = REDIS_KEYS.cacheLock(key);
    const errKey = REDIS_KEYS.cacheError(key);
    const token = nextToken();
    const waiter = this.ready.register(key);
    const started = Date.now();
    let waited = false;
    let woken: Release = "poll";
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
          return released(payload, waited ? woken : "hit");
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
        if (m?.kind === "ready") {
          if (m.bytes) return released(m.bytes, "wake"); // the fill's own bytes, no re-read
          // Woken by name: the value was stored before the message was sent. One plain
          // GET reads it; only if it is gone already (evicted) does the loop look again.
          const value = await this.redis.getBuffer(key);
          if (value) return released(value, "wake");
        }
        woken = m ? "wake" : "poll";
      }
    } finally {
      waiter.dispose();
    }
  }

  /**
   * Cache-aside with no lease (the fault switch): a miss fetches whoever else is fetching.
   * The fill script still stores the value and publishes, so timings are recorded alike.
   */
  async #unlocked(key: string, load: (signal: AbortSignal) => Promise<Loaded>): Promise<Served> {
    const hit = await this.redis.getBuffer(key);
    if (hit) return released(hit, "hit");
    const fetchStartedAt = Date.now();
    const loaded = await load(new AbortController().signal);
    const filledAt = Date.now();
    const message = encodeReady({ key, kind: "ready" });
    await this.redis.cacheFill(
      key,
      REDIS_KEYS.cacheLock(key),
      "no-lease",
      loaded.bytes,
      this.options.valueTtlMs,
      READY_CHANNEL,
      message,
    );
    return fetched(loaded, false, false, fetchStartedAt, filledAt);
  }

  async #hold(
    key: string,
    lockKey: string,
    errKey: string,
    token: string,
    load: (signal: AbortSignal) => Promise<Loaded>,
    waited: boolean,
  ): Promise<Served> {
    const { leaseMs } = this.options;
    const abort = new AbortController();
    const renew = setInterval(() => {
      this.redis.cacheRenew(lockKey, token, leaseMs).catch(() => {
        // A failed renewal only shortens the lease; the fill still releases it.
      });
    }, leaseMs / 3);
    try {
      let loaded: Loaded;
      const fetchStartedAt = Date.now();
      try {
        loaded = await load(abort.signal);
      } catch (error) {
        const { payload, ttlMs } = this.options.errors.encode(error);
        const message = encodeReady({ key, kind: "error", error: payload });
        await this.redis.cacheFail(errKey, lockKey, token, payload, ttlMs, READY_CHANNEL, message);
        throw error;
      }
      const message = encodeReady({ key, kind: "ready" });
      // The instance's own fill time, taken as the fill is sent: every waiter the fill
      // releases was waiting before it.
      const filledAt = Date.now();
      await this.redis.cacheFill(
        key,
        lockKey,
        token,
        loaded.bytes,
        this.options.valueTtlMs,
        READY_CHANNEL,
        message,
        loaded.bytes.length <= (this.options.attachMaxBytes ?? ATTACH_MAX_BYTES) ? "1" : "0",
      );
      return fetched(loaded, true, waited, fetchStartedAt, filledAt);
    } finally {
      clearInterval(renew);
      abort.abort();
    }
  }
}

/** Answered from Redis without fetching: at once, or after waiting on another's lease. */
const released = (bytes: Buffer, releasedBy: "hit" | Release): Served => ({
  bytes,
  outcome: releasedBy === "hit" ? "HIT" : "WAIT",
  lockAcquired: false,
  providerFetch: false,
  coalesced: false,
  takeover: false,
  bytesIn: 0,
  releasedBy,
  fetchStartedAt: null,
  filledAt: null,
});

/** This request fetched and filled (under the lease, or without one when it is switched off). */
const fetched = (
  loaded: Loaded,
  lockAcquired: boolean,
  takeover: boolean,
  fetchStartedAt: number,
  filledAt: number,
): Served => ({
  bytes: loaded.bytes,
  outcome: "MISS",
  lockAcquired,
  providerFetch: true,
  coalesced: false,
  takeover,
  bytesIn: loaded.bytesIn,
  releasedBy: "fetch",
  fetchStartedAt,
  filledAt,
});
