import { z } from "zod";
import type { Answer, BarsTiming, MemoryPoint, RunCounters, TargetResponse } from "./data.ts";

/**
 * zod schemas of the plain data in `data.ts`, for evidence read back from JSON (the
 * export, `scaleproof judge`). Evidence holds no Date or bigint: instants are ms since
 * the epoch, so each schema is its own JSON form and a parsed document re-serialises
 * unchanged. Each is typed against its interface, so the two cannot drift apart.
 */

/** Loose: a POST's answer also carries its parsed JSON; every field is kept as it came. */
export const targetResponse: z.ZodType<TargetResponse> = z.looseObject({
  status: z.number(),
  cache: z.enum(["HIT", "MISS", "WAIT"]).nullable(),
  cacheKey: z.string().nullable(),
  instanceId: z.string().nullable(),
  bootId: z.string().nullable(),
  version: z.string().nullable(),
  bytes: z.number(),
  durationMs: z.number(),
  errorCode: z.string().nullable(),
});

export const answer: z.ZodType<Answer> = z.discriminatedUnion("_tag", [
  z.object({ _tag: z.literal("Answered"), response: targetResponse }),
  z.object({ _tag: z.literal("Unreachable"), message: z.string() }),
]);

export const runCounters: z.ZodType<RunCounters> = z.object({
  cache_hit: z.number(),
  cache_miss: z.number(),
  provider_fetch: z.number(),
  lock_waits: z.number(),
  shed: z.number().exactOptional(),
});

export const barsTiming: z.ZodType<BarsTiming> = z.object({
  instanceId: z.string(),
  bootId: z.string(),
  outcome: z.enum(["HIT", "MISS", "WAIT", "ERROR"]),
  releasedBy: z.enum(["hit", "fetch", "wake", "poll", "single-flight", "error"]),
  providerFetch: z.boolean(),
  takeover: z.boolean(),
  startedAt: z.number(),
  finishedAt: z.number(),
  fetchStartedAt: z.number().nullable(),
  filledAt: z.number().nullable(),
});

/**
 * Loose: the memory sampler's readings grow new fields as its judge learns to read them;
 * every field a sample carries is kept as it came, so the judge re-reads what the run saw.
 */
export const memoryPoint = z.looseObject({
  instanceId: z.string(),
  bootId: z.string(),
  at: z.number(),
  heapUsed: z.number(),
  oldGenUsed: z.number(),
  heapLimit: z.number(),
  rss: z.number(),
  gcCount: z.number(),
  pressure: z.number(),
  shedding: z.boolean(),
  eventLoopP99Ms: z.number().nullable(),
}) as unknown as z.ZodType<MemoryPoint>;

/** A range of instants; loose: a bars range also carries its symbol and timeframe. */
export const instantRange = z.looseObject({ start: z.string(), end: z.string() });
