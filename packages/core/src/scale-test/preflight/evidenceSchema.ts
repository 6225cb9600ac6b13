import { z } from "zod";
import type { PgSettings, PoolReading } from "../dbData.ts";
import type { PreflightEvidence } from "./evidence.ts";

const poolReading: z.ZodType<PoolReading> = z.object({
  instanceId: z.string(),
  bootId: z.string(),
  max: z.number(),
  total: z.number(),
  idle: z.number(),
  listener: z.number(),
  inFlight: z.number(),
  waiting: z.number(),
  status: z.enum(["healthy", "degraded", "critical"]),
  exhaustion: z.object({ connectTimeouts: z.number(), tooManyConnections: z.number() }),
});

const pgSettings: z.ZodType<PgSettings> = z.object({
  maxConnections: z.number(),
  superuserReserved: z.number(),
  reserved: z.number(),
  runnerPoolMax: z.number(),
});

/** The preflight's readings as JSON (see `PreflightEvidence`). */
export const preflightEvidence: z.ZodType<PreflightEvidence> = z.object({
  expected: z.number().nullable(),
  probes: z.number(),
  unreachable: z.number(),
  instances: z.array(z.object({ instanceId: z.string(), status: z.number() })),
  pools: z.array(poolReading),
  settings: pgSettings.nullable(),
  margin: z.number(),
});
