import { z } from "zod";

const ms = (def: number) => z.coerce.number().int().positive().default(def);

/** Every setting an instance reads, validated once at boot; a bad value stops the boot. */
export const instanceEnv = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/scaleproof"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  INSTANCE_ID: z.string().min(1).max(100).optional(),
  REPLIT_DEPLOYMENT_ID: z.string().min(1).optional(),
  REPL_ID: z.string().min(1).optional(),
  DATABENTO_API_KEY: z.string().min(1).optional(),
  DATABENTO_BASE_URL: z.string().url().default("https://hist.databento.com"),
  /** Set by the local cluster: the provider is the replay upstream, not Databento. */
  BARS_PROVIDER: z.enum(["databento", "replay"]).default("databento"),
  BARS_DATASET: z.string().default("GLBX.MDP3"),
  /** Namespace for cache keys (tests give each run its own so old values never leak in). */
  CACHE_KEY_PREFIX: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9:_-]*$/)
    .default(""),
  CACHE_TTL_MS: ms(24 * 3_600_000),
  CACHE_LEASE_MS: ms(5_000),
  CACHE_WAIT_BUDGET_MS: ms(15_000),
  CACHE_SAFETY_POLL_MS: ms(1_000),
  CACHE_ERROR_TTL_MS: ms(2_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type InstanceEnv = z.infer<typeof instanceEnv>;

export const loadInstanceEnv = (source: NodeJS.ProcessEnv = process.env): InstanceEnv => {
  const parsed = instanceEnv.safeParse(source);
  if (!parsed.success) {
    // Names the offending variables, never their values (some are secrets).
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  return parsed.data;
};
