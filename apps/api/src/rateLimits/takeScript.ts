import type { Result } from "ioredis";
import type { RedisClient } from "../redis/client.ts";

/**
 * A client's fixed window in Redis: one counter per client and bucket, created by the
 * window's first take and expiring with it. Takes up to ARGV[1] points of what is left
 * below the limit ARGV[2], atomically, so instances taking at once never share out more
 * than the limit.
 *
 * ARGV[4] is the take's deadline on Redis's clock (ms since the epoch): a take that
 * reaches Redis later takes nothing and answers LATE, since the instance that sent it has
 * stopped waiting (it let the request through) and would never spend what it took.
 * -> {taken, ms left in the window, Redis's time}; taken < asked: the window's allowance
 * is used up; taken = LATE: refused, the count untouched.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(ARGV[4]) then return {-1, 0, now} end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local take = math.max(0, math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used))
if take > 0 then redis.call('INCRBY', KEYS[1], take) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  if ttl == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  ttl = tonumber(ARGV[3])
end
return {take, ttl, now}
`;

/** `taken` of a take that reached Redis after its deadline. */
export const LATE = -1;

declare module "ioredis" {
  interface RedisCommander<Context> {
    rateLimitTake(
      key: string,
      points: number,
      limit: number,
      windowMs: number,
      deadline: number,
    ): Result<[number, number, number], Context>;
  }
}

/** Registers the script on a connection (ioredis sends EVALSHA, falling back to EVAL). */
export const defineTakeScript = (redis: RedisClient): void => {
  redis.defineCommand("rateLimitTake", { numberOfKeys: 1, lua: TAKE });
};

/** How long a low estimate of the clocks' offset is trusted before a newer one replaces it. */
const OFFSET_REFRESH_MS = 60_000;

/**
 * Redis's clock as seen from this instance, so a deadline set here means the same moment
 * there. Each answer carries Redis's time, read before the answer left: Redis's time
 * minus ours on receipt is never above the true offset, so the highest recent one is
 * used (a deadline set with it is early by at most a round trip, never late). Until a
 * first answer the clocks are taken to agree; a take refused as late still teaches the
 * offset, so one refusal at most follows a large skew.
 */
export class RedisClock {
  #offset: number | undefined;
  /** The highest offset seen since `#periodFrom`: what replaces `#offset` when a period ends. */
  #periodBest: number | undefined;
  #periodFrom = 0;

  private readonly now: () => number;
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Redis's time `inMs` from now. */
  deadline(inMs: number): number {
    return this.now() + inMs + (this.#offset ?? 0);
  }

  /**
   * An answer that read Redis's time as `redisNow` has just arrived. Every
   * OFFSET_REFRESH_MS the offset becomes the best of that period's answers, not the one
   * that happened to end it (a slow answer would set deadlines early by its delay and
   * refuse the next takes); a clock that stepped back is forgotten within two periods.
   */
  observe(redisNow: number): void {
    const receivedAt = this.now();
    const offset = redisNow - receivedAt;
    this.#periodBest = Math.max(this.#periodBest ?? offset, offset);
    if (this.#offset === undefined) {
      this.#offset = offset;
      this.#periodFrom = receivedAt;
    } else if (receivedAt - this.#periodFrom > OFFSET_REFRESH_MS) {
      this.#offset = this.#periodBest;
      this.#periodBest = undefined;
      this.#periodFrom = receivedAt;
    } else if (offset > this.#offset) {
      this.#offset = offset;
    }
  }
}
