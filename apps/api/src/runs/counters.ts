import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import type { RedisClient } from "../redis/client.ts";

/** The seed's per-run counters; the braces keep one run's counters in one cluster slot. */
export const RUN_COUNTERS = [
  "cache_hit",
  "cache_miss",
  "provider_fetch",
  "lock_waits",
  "shed",
  /** Requests that claimed this run without the runner's valid signature (not counted as evidence). */
  "invalid_evidence",
] as const;
export type RunCounter = (typeof RUN_COUNTERS)[number];

export const runCounterKey = (runId: string, counter: RunCounter): string =>
  REDIS_KEYS.runCounter(runId, counter);

/** Counters outlive their run by a week, then Redis drops them. */
const COUNTER_TTL_SEC = 7 * 86_400;

export const bumpRunCounters = async (
  redis: RedisClient,
  runId: string,
  counters: readonly RunCounter[],
): Promise<void> => {
  if (counters.length === 0) return;
  const tx = redis.multi();
  for (const c of counters) {
    tx.incr(runCounterKey(runId, c));
    tx.expire(runCounterKey(runId, c), COUNTER_TTL_SEC);
  }
  await tx.exec();
};

export const readRunCounters = async (
  redis: RedisClient,
  runId: string,
): Promise<Record<RunCounter, number>> => {
  const values = await redis.mget(RUN_COUNTERS.map((c) => runCounterKey(runId, c)));
  return Object.fromEntries(RUN_COUNTERS.map((c, i) => [c, Number(values[i] ?? 0)])) as Record<
    RunCounter,
    number
  >;
};
