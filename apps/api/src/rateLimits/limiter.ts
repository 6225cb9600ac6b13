import type { BlockList } from "node:net";
import type { Logger } from "pino";
import type { InstanceEnv } from "../config/env.ts";
import type { RedisClient } from "../redis/client.ts";
import { Allowance } from "./allowance.ts";
import { clientAddress, trustedProxies } from "./clientAddress.ts";
import { RateLimited } from "./errors.ts";
import { defineTakeScript, LATE, RedisClock } from "./takeScript.ts";

/** The expensive public operations, each with its own allowance per client. */
export type Bucket = "bars" | "backtests";

const WHAT: Record<Bucket, string> = { bars: "bars reads", backtests: "backtest enqueues" };

/** The tRPC procedures that spend a bucket (their REST twins spend the same one). */
export const BUCKET_OF_PROCEDURE: Readonly<Record<string, Bucket>> = {
  "bars.get": "bars",
  "backtests.enqueue": "backtests",
};

/** A local Redis answers a counter in well under a millisecond: past this it is not answering. */
const REDIS_TIMEOUT_MS = 250;
/**
 * A take that reaches Redis later than this after it was sent takes nothing (see
 * takeScript.ts): its answer would come back too near the timeout, when the request it
 * was for may already have been let through without it.
 */
const TAKE_DEADLINE_MS = 200;

export interface Caller {
  /** The client's address (see clientAddress). */
  readonly client: string;
  /** The admin token, or traffic the runner signed as a run's evidence: never limited. */
  readonly exempt: boolean;
}

/** The command, or a rejection once it has taken longer than REDIS_TIMEOUT_MS. */
const bounded = async <T>(work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("rate limit counter: Redis timed out")),
      REDIS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Per-client limits on the expensive routes, counted in Redis (one fixed window per
 * client and bucket), so the allowance is per client across every instance, not per
 * instance. Each instance spends a client's points from an in-memory Allowance in front
 * of Redis, refilled in batches (see allowance.ts): the instances together never admit
 * more than the limit, and most reads do not wait for Redis. Redis down or slow fails
 * open: the instance already serves degraded, and an outage must not turn into 429s or
 * 500s.
 */
export class RateLimits {
  readonly #buckets = new Map<Bucket, { allowance: Allowance; limit: number }>();
  readonly #trusted: BlockList;
  readonly #windowSec: number;
  #failingOpen = false;

  private readonly redis: RedisClient;
  private readonly log: Logger;
  constructor(
    redis: RedisClient,
    env: InstanceEnv,
    log: Logger,
    /** This instance's clock (tests give it a skewed one). */
    now: () => number = Date.now,
  ) {
    this.redis = redis;
    this.log = log;
    this.#trusted = trustedProxies(env.TRUSTED_PROXIES);
    this.#windowSec = env.RATE_LIMIT_WINDOW_S;
    defineTakeScript(redis);
    const limits: Record<Bucket, number> = {
      bars: env.RATE_LIMIT_BARS,
      backtests: env.RATE_LIMIT_BACKTESTS,
    };
    const windowMs = this.#windowSec * 1000;
    const clock = new RedisClock(now);
    for (const [bucket, limit] of Object.entries(limits) as [Bucket, number][]) {
      if (limit === 0) continue; // 0 turns this limit off
      const prefix = `${env.CACHE_KEY_PREFIX}ratelimit:${bucket}:`;
      const allowance = new Allowance(
        async (client, points) => {
          const deadline = clock.deadline(TAKE_DEADLINE_MS);
          const [taken, windowLeftMs, redisNow] = await bounded(
            redis.rateLimitTake(prefix + client, points, limit, windowMs, deadline),
          );
          clock.observe(redisNow);
          if (taken === LATE) throw new Error("rate limit counter: the take reached Redis late");
          return { taken, windowLeftMs };
        },
        { limit },
      );
      this.#buckets.set(bucket, { allowance, limit });
    }
  }

  /** Who a request comes from, believing X-Forwarded-For only from TRUSTED_PROXIES. */
  clientOf(peer: string | undefined, forwardedFor: string | null | undefined): string {
    return clientAddress(peer, forwardedFor, this.#trusted);
  }

  /** Spends one of the caller's points; fails with RateLimited when none are left. */
  async consume(bucket: Bucket, caller: Caller): Promise<void> {
    const b = this.#buckets.get(bucket);
    if (!b || caller.exempt) return;
    // Redis not connected: let the request through at once, whatever this instance
    // remembers of the window (the count it belongs to cannot be read now).
    if (this.redis.status !== "ready") return this.#open(new Error("Redis is not connected"));
    let waitMs: number | undefined;
    try {
      waitMs = await b.allowance.spend(caller.client);
    } catch (error) {
      return this.#open(error);
    }
    if (this.#failingOpen)
      this.log.info({ event: "rate_limits_back" }, "rate limits counted again");
    this.#failingOpen = false;
    if (waitMs === undefined) return;
    throw new RateLimited({
      what: WHAT[bucket],
      limit: b.limit,
      windowSec: this.#windowSec,
      retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)),
    });
  }

  #open(error: unknown): void {
    if (!this.#failingOpen) {
      this.log.warn(
        { err: error, event: "rate_limits_open" },
        "rate limits cannot be counted (Redis): letting requests through",
      );
    }
    this.#failingOpen = true;
  }
}
