import type { BlockList } from "node:net";
import type { Logger } from "pino";
import { RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from "rate-limiter-flexible";
import type { InstanceEnv } from "../config/env.ts";
import type { RedisClient } from "../redis/client.ts";
import { clientAddress, trustedProxies } from "./clientAddress.ts";
import { RateLimited } from "./errors.ts";

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

export interface Caller {
  /** The client's address (see clientAddress). */
  readonly client: string;
  /** The admin token, or traffic the runner signed as a run's evidence: never limited. */
  readonly exempt: boolean;
}

/**
 * Per-client limits on the expensive routes, counted in Redis (rate-limiter-flexible's
 * atomic fixed window), so the allowance is per client across every instance, not per
 * instance. Redis down or slow fails open: the instance already serves degraded, and an
 * outage must not turn into 429s or 500s.
 */
export class RateLimits {
  readonly #buckets = new Map<Bucket, { limiter: RLWrapperTimeouts; limit: number }>();
  readonly #trusted: BlockList;
  readonly #windowSec: number;
  #failingOpen = false;

  constructor(
    redis: RedisClient,
    env: InstanceEnv,
    private readonly log: Logger,
  ) {
    this.#trusted = trustedProxies(env.TRUSTED_PROXIES);
    this.#windowSec = env.RATE_LIMIT_WINDOW_S;
    const limits: Record<Bucket, number> = {
      bars: env.RATE_LIMIT_BARS,
      backtests: env.RATE_LIMIT_BACKTESTS,
    };
    for (const [bucket, limit] of Object.entries(limits) as [Bucket, number][]) {
      if (limit === 0) continue; // 0 turns this limit off
      const store = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${env.CACHE_KEY_PREFIX}ratelimit:${bucket}`,
        points: limit,
        duration: this.#windowSec,
        // Redis not connected: reject at once (we let the request through) rather than
        // send a command that the client refuses anyway.
        rejectIfRedisNotReady: true,
      });
      const limiter = new RLWrapperTimeouts({ limiter: store, timeoutMs: REDIS_TIMEOUT_MS });
      this.#buckets.set(bucket, { limiter, limit });
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
    try {
      await b.limiter.consume(caller.client);
      if (this.#failingOpen)
        this.log.info({ event: "rate_limits_back" }, "rate limits counted again");
      this.#failingOpen = false;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimited({
          what: WHAT[bucket],
          limit: b.limit,
          windowSec: this.#windowSec,
          retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
        });
      }
      if (!this.#failingOpen) {
        this.log.warn(
          { err: rejection, event: "rate_limits_open" },
          "rate limits cannot be counted (Redis): letting requests through",
        );
      }
      this.#failingOpen = true;
    }
  }
}
