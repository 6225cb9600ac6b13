import type { Result } from "ioredis";
import type { RedisClient } from "../redis/client.ts";

/**
 * The atomic steps of the stampede protocol (DESIGN section 3). Every script touches
 * only keys that share one hash tag (value, `:lock`, `:err`), so it is Redis-Cluster safe.
 */

/*
 * The lease key holds the holder's token, with WAITED ('+', never in a token) appended
 * once some lookup was told to wait on it. The mark is set in the same script that tells
 * the waiter to wait, so a fill that finds none has no waiter to hand the value to: it
 * publishes the key's name only (every instance's subscriber receives every message, so
 * attaching a value nobody waits for would cost each of them up to ATTACH_MAX_BYTES per
 * cold miss in its Redis output buffer, and Redis copies and writes it once per
 * subscriber before a later one gets its copy). A waiter whose lease was taken over before it
 * marked the new one is woken by name and reads the value: one round trip more.
 */

/** -> {1, value} HIT | {2, error} cached error | {3} lease taken (MISS) | {4, pttl} wait. */
const GET_OR_LOCK = `
local v = redis.call('GET', KEYS[1])
if v then return {1, v} end
local e = redis.call('GET', KEYS[3])
if e then return {2, e} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {3} end
local held = redis.call('GET', KEYS[2])
if held and string.sub(held, -1) ~= '+' then redis.call('APPEND', KEYS[2], '+') end
return {4, redis.call('PTTL', KEYS[2])}
`;

/** Extends the lease only while we still hold it. -> 1 renewed, 0 lost. */
const RENEW = `
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] or held == ARGV[1] .. '+' then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/**
 * Stores the value, releases our lease, wakes the waiters. -> 1 if we still held it.
 * ARGV[6] = '1': the message carries the value after a newline (waiters need not read
 * it), but only when the lease present is marked as waited on. The concatenation copies
 * the value once more inside Redis; measured against a PUBLISH of the bare value (from
 * the client or from Lua, two subscribers) it made no difference within the noise: the
 * cost of attaching is the message's size on the subscribers' sockets (ATTACH_MAX_BYTES).
 */
const FILL = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
local owned = 0
local held = redis.call('GET', KEYS[2])
if held == ARGV[1] or held == ARGV[1] .. '+' then
  redis.call('DEL', KEYS[2])
  owned = 1
end
if ARGV[6] == '1' and held and string.sub(held, -1) == '+' then
  redis.call('PUBLISH', ARGV[4], ARGV[5] .. string.char(10) .. ARGV[2])
else
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return owned
`;

/** Caches the error for ttl ms (0: not at all), releases our lease, wakes the waiters. */
const FAIL = `
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
local held = redis.call('GET', KEYS[2])
if held == ARGV[1] or held == ARGV[1] .. '+' then redis.call('DEL', KEYS[2]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    cacheGetOrLockBuffer(
      valueKey: string,
      lockKey: string,
      errKey: string,
      token: string,
      leaseMs: number,
    ): Result<[number, (Buffer | number)?], Context>;
    cacheRenew(lockKey: string, token: string, leaseMs: number): Result<number, Context>;
    cacheFill(
      valueKey: string,
      lockKey: string,
      token: string,
      value: Buffer,
      ttlMs: number,
      channel: string,
      message: string,
      attach?: "1" | "0",
    ): Result<number, Context>;
    cacheFail(
      errKey: string,
      lockKey: string,
      token: string,
      payload: string,
      ttlMs: number,
      channel: string,
      message: string,
    ): Result<number, Context>;
  }
}

/** Registers the scripts on a connection (ioredis sends EVALSHA, falling back to EVAL). */
export const defineCacheScripts = (redis: RedisClient): void => {
  redis.defineCommand("cacheGetOrLock", { numberOfKeys: 3, lua: GET_OR_LOCK });
  redis.defineCommand("cacheRenew", { numberOfKeys: 1, lua: RENEW });
  redis.defineCommand("cacheFill", { numberOfKeys: 2, lua: FILL });
  redis.defineCommand("cacheFail", { numberOfKeys: 2, lua: FAIL });
};
