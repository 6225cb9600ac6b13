import { z } from "zod";
import { answer, barsTiming, instantRange, runCounters, targetResponse } from "../../dataSchema.ts";
import type {
  CacheEvidence,
  RedisRestartEvidence,
  StampedeEvidence,
  TakeoverEvidence,
} from "./evidence.ts";

const stampede: z.ZodType<StampedeEvidence> = z.object({
  n: z.number(),
  before: runCounters,
  after: runCounters,
  burst: z.array(answer),
  persistedFetches: z.number(),
  upstream: z.number().nullable(),
  upstreamKind: z.enum(["replay", "provider"]),
  slowedMs: z.number().nullable(),
  timeline: z.array(barsTiming),
});

const takeover: z.ZodType<TakeoverEvidence> = z.object({
  notRun: z.string().nullable(),
  victim: z.string().nullable(),
  victimBoot: z.string().nullable(),
  victimAnswer: answer.nullable(),
  waiters: z.array(answer),
  before: runCounters,
  after: runCounters,
  upstream: z.number().nullable(),
  timeline: z.array(barsTiming),
  restartedBoot: z.string().nullable(),
});

const redisRestart: z.ZodType<RedisRestartEvidence> = z.object({
  notRun: z.string().nullable(),
  downMs: z.number(),
  window: z.object({ downAt: z.number(), upAt: z.number() }).nullable(),
  bootsBefore: z.array(z.object({ instanceId: z.string(), bootId: z.string().nullable() })),
  notBack: z.array(z.string()),
  keys: z.array(z.string()),
  burst: z.array(answer),
  persistedFetches: z.number(),
  upstream: z.number().nullable(),
});

/** The cache profile's evidence as JSON (see `CacheEvidence`). */
export const cacheEvidence: z.ZodType<CacheEvidence> = z.object({
  range: instantRange,
  faultsActive: z.array(z.string()),
  warm: targetResponse,
  storedBytes: z.number().nullable(),
  pin: z.string().nullable(),
  stampede,
  takeover: takeover.nullable(),
  expectedInstances: z.number().nullable(),
  requests: z.array(z.object({ key: z.enum(["A", "B", "C"]), step: z.string(), answer })),
  countersAfterWarmup: runCounters,
  countersAtEnd: runCounters,
  persistedFetches: z.number(),
  upstreamTotal: z.number().nullable(),
  redisRestart: redisRestart.optional(),
});
