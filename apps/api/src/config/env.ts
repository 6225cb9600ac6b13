import { z } from "zod";
import { clusterNodes } from "../redis/nodes.ts";

const ms = (def: number) => z.coerce.number().int().positive().default(def);
const flag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((v) => v === "true" || v === "1");
/** Bearer tokens: long enough that guessing is hopeless. */
const token = z.string().min(24, "must be at least 24 characters").optional();

/** Every setting an instance reads, validated once at boot; a bad value stops the boot. */
export const instanceEnv = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/scaleproof"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /** A Redis Cluster instead (host:port seed nodes, comma-separated); REDIS_URL is then unused. */
  REDIS_CLUSTER_NODES: clusterNodes,
  /**
   * Postgres pool: connections per instance (seed: 20 in production, 10 in development;
   * the default follows NODE_ENV). postgres.js opens connections on demand and closes
   * each after DB_IDLE_TIMEOUT_S idle: it has no minimum to keep open, so there is no
   * DB_POOL_MIN.
   */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Close a connection idle this long (seconds). */
  DB_IDLE_TIMEOUT_S: z.coerce.number().int().min(0).max(3_600).default(30),
  /** Give up connecting after this long (seconds): a dead database answers 503 quickly. */
  DB_CONNECT_TIMEOUT_S: z.coerce.number().int().min(1).max(120).default(5),
  /**
   * At boot, wait this long (seconds) for a Postgres that is down or starting (a restart,
   * a platform starting everything at once) before giving up; 0: do not wait.
   */
  DB_BOOT_WAIT_S: z.coerce.number().int().min(0).max(600).default(30),
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
  /** Bearer token with the admin role (ops routes, scale tests, faults). Without it ops answer 401. */
  ADMIN_TOKEN: token,
  /** Optional bearer token without the admin role (ops routes answer it 403). */
  READ_TOKEN: token,
  /** Fault injection (admin-only besides). Off unless set: the local cluster turns it on. */
  FAULTS_ENABLED: flag,
  /** Where the scale-test runner sends traffic: the front door or the public URL, never itself. */
  SCALE_TEST_TARGET_URL: z.string().url().optional(),
  SCALE_TEST_LEASE_MS: ms(15_000),
  SCALE_TEST_REAP_MS: ms(2_000),
  /** How many instances the target has, when the launcher knows (the local cluster does). */
  CLUSTER_INSTANCES: z.coerce.number().int().positive().optional(),
  /** Set by the local cluster: its front door's control endpoint (the scaling check). */
  CLUSTER_CONTROL_URL: z.string().url().optional(),
  CLUSTER_CONTROL_TOKEN: z.string().min(16).optional(),
  /** Set by the local cluster: the dependencies its control API may restart (`redis,postgres`). */
  CLUSTER_RESTARTABLE: z
    .string()
    .regex(/^((redis|postgres)(,(?!$)|$))*$/, "a comma list of redis, postgres")
    .default(""),
  /** Backtest job leases: a dead worker's job is claimable again this long after its last heartbeat. */
  JOBS_LEASE_MS: ms(10_000),
  /** Polling fallback when a NOTIFY is missed (LISTEN/NOTIFY wakes workers at once). */
  JOBS_POLL_MS: ms(1_000),
  JOBS_SWEEP_MS: ms(5_000),
  /** Retry backoff after a failed attempt: base * 2^(attempt-1), full jitter, capped. */
  JOBS_RETRY_BASE_MS: ms(1_000),
  JOBS_RETRY_MAX_MS: ms(30_000),
  /** Concurrent jobs per instance (each computes on the worker-thread pool). */
  JOBS_SLOTS: z.coerce.number().int().min(0).max(32).default(2),
  /** Memory sampling interval; while a quick scale-test run is active, MEMORY_QUICK_SAMPLE_MS. */
  MEMORY_SAMPLE_MS: ms(10_000),
  MEMORY_QUICK_SAMPLE_MS: ms(1_000),
  /**
   * What survives a full GC, per sample while a run is active: force = a full GC at each
   * sample (needs --expose-gc, which the local cluster sets; one GC pause per sample),
   * observe = the reading after the last major GC V8 ran by itself (no cost, sparser).
   */
  MEMORY_POST_GC: z.enum(["force", "observe"]).default("force"),
  /** At most one forced GC per this many ms (each is a pause: quick runs sample every 1 s). */
  MEMORY_POST_GC_MIN_MS: ms(2_000),
  /**
   * Load-shedding basis: heapLimit = heapUsed / heap_size_limit (default), heapTotal = the
   * seed's heapUsed / heapTotal (V8 grows heapTotal lazily, so that ratio sits near 0.9 in
   * a healthy process and would shed all the time).
   */
  SHED_BASIS: z.enum(["heapLimit", "heapTotal"]).default("heapLimit"),
  SHED_HIGH: z.coerce.number().gt(0).lt(1).default(0.8),
  SHED_LOW: z.coerce.number().gt(0).lt(1).default(0.7),
  /** Also shed while the event loop's p99 delay is above this (ms); off when unset. */
  SHED_EVENT_LOOP_P99_MS: z.coerce.number().positive().optional(),
  /**
   * rss budget (MB) shedding also judges (rss / budget), so the platform's OOM kill never
   * comes first: unset = the container's limit (cgroup memory.max), 0 = the heap alone.
   */
  SHED_MEMORY_LIMIT_MB: z.coerce.number().min(0).optional(),
  /** Snapshot ingest: flush when this many rows wait, or INGEST_FLUSH_INTERVAL_MS after the oldest arrived. */
  INGEST_FLUSH_MAX_ROWS: z.coerce.number().int().min(1).max(10_000).default(500),
  INGEST_FLUSH_INTERVAL_MS: ms(20),
  /** Beyond this many buffered rows an instance refuses ingest (503 INGEST_BACKLOGGED). */
  INGEST_BUFFER_MAX_ROWS: z.coerce.number().int().min(1).default(20_000),
  /** Largest upload a client may declare, and largest chunk (413 above). */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 ** 3),
  UPLOAD_CHUNK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(64 * 1024 ** 2)
    .default(8 * 1024 ** 2),
  /** Chunk bodies in memory at once per instance (others wait): memory <= slots x chunk cap. */
  UPLOAD_CHUNK_SLOTS: z.coerce.number().int().min(1).max(64).default(4),
  /** Cluster-wide cap on pending jobs (queued + running); beyond it 429 QUEUE_FULL. */
  QUEUE_MAX_PENDING: z.coerce.number().int().min(1).default(50),
  QUEUE_FULL_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3_600).default(5),
  /**
   * Per-client limits (requests per RATE_LIMIT_WINDOW_S, counted in Redis across every
   * instance) on bars reads and backtest enqueues; 0 turns one off. The admin token and
   * the runner's signed traffic are exempt.
   */
  RATE_LIMIT_BARS: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_BACKTESTS: z.coerce.number().int().min(0).default(30),
  RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Proxies whose X-Forwarded-For names the client (addresses or CIDRs, comma-separated:
   * the load balancer). Unset: the header is ignored and the socket's peer is the client.
   */
  TRUSTED_PROXIES: z.string().default(""),
  /** Bearer token that may read /metrics and nothing else (for a Prometheus scraper). */
  METRICS_TOKEN: token,
  /** Serve /metrics without a token (only where the network already keeps strangers out). */
  METRICS_PUBLIC: flag,
  /** Evidence (request events, run events, memory samples, job events) older than this goes. */
  RETENTION_DAYS: z.coerce.number().positive().max(3_650).default(7),
  /** At most this many rows of ended runs' evidence stay per table. */
  RETENTION_MAX_ROWS: z.coerce.number().int().min(1_000).default(2_000_000),
  RETENTION_SWEEP_MS: ms(600_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type InstanceEnv = z.infer<typeof instanceEnv>;

export const loadInstanceEnv = (source: NodeJS.ProcessEnv = process.env): InstanceEnv => {
  const pool = source.NODE_ENV === "production" ? { DB_POOL_MAX: "20" } : {};
  const parsed = instanceEnv.safeParse({ ...pool, ...source });
  if (!parsed.success) {
    // Names the offending variables, never their values (some are secrets).
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  return parsed.data;
};
