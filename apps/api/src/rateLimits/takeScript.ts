import type { Result } from "ioredis";
import type { RedisClient } from "../redis/client.ts";

/**
 * A client's fixed window in Redis: one counter per client and bucket, created by the
 * window's first take and expiring with it (the same key and counting as
 * rate-limiter-flexible's Redis store, so instances of either version share a count).
 * Takes up to ARGV[1] points of what is left below the limit ARGV[2], atomically, so
 * instances taking at once never share out more than the limit.
 * -> {taken, ms left in the window}; taken < asked: the window's allowance is used up.
 */
const TAKE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local take = math.max(0, math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used))
if take > 0 then redis.call('INCRBY', KEYS[1], take) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  if ttl == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  ttl = tonumber(ARGV[3])
end
return {take, ttl}
`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    rateLimitTake(
      key: string,
      points: number,
      limit: number,
      windowMs: number,
    ): Result<[number, number], Context>;
  }
}

/** Registers the script on a connection (ioredis sends EVALSHA, falling back to EVAL). */
export const defineTakeScript = (redis: RedisClient): void => {
  redis.defineCommand("rateLimitTake", { numberOfKeys: 1, lua: TAKE });
};
