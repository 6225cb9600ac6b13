import { pino } from "pino";
import { z } from "zod";
import { DEFAULT_DATA_DIR } from "./dataDir.ts";
import { startReplayServer } from "./server.ts";

/**
 * The replay upstream as a process (what `pnpm start` runs without a Databento key).
 * Prints one JSON line with its URL once listening (never the key).
 */
const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(0),
    HOST: z.string().default("127.0.0.1"),
    // Empty means unset: DEFAULT_DATA_DIR, <repo>/../shared/data/bars.
    BARS_DATA_DIR: z
      .string()
      .optional()
      .transform((v) => v || undefined),
    REPLAY_API_KEY: z.string().min(1, "required: the key clients must send, as with Databento"),
    REPLAY_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
  })
  .safeParse(process.env);

const logger = pino({
  name: "replay",
  level: env.success ? env.data.LOG_LEVEL : "info",
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

if (!env.success) {
  // Names the offending variables, never their values (one is a secret).
  const problems = env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  logger.fatal(
    { event: "invalid_env", problems },
    `replay upstream: invalid environment: ${problems.join("; ")}`,
  );
  process.exit(1);
}

const dataDir = env.data.BARS_DATA_DIR ?? DEFAULT_DATA_DIR;
let replay: Awaited<ReturnType<typeof startReplayServer>>;
try {
  replay = await startReplayServer({
    port: env.data.PORT,
    host: env.data.HOST,
    dataDir,
    apiKey: env.data.REPLAY_API_KEY,
    latencyMs: env.data.REPLAY_LATENCY_MS,
    logger,
  });
} catch (error) {
  // One line, no stack trace: what is wrong and the folder it looked in. Missing or
  // empty data (NoBarsData) also says to set BARS_DATA_DIR.
  const why = error instanceof Error ? error.message : String(error);
  logger.fatal({ event: "start_failed", dataDir }, `replay upstream cannot start: ${why}`);
  process.exit(1);
}

const datasets = [...replay.deps.data.datasets.values()].map((d) => ({
  dataset: d.dataset,
  bars: d.rowCount,
}));
logger.info(
  {
    event: "listening",
    url: replay.url,
    dataDir: replay.deps.data.dir,
    datasets,
    latencyMs: env.data.REPLAY_LATENCY_MS,
  },
  "replay upstream listening",
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ event: "stopping", signal }, "replay upstream stopping");
  await replay.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
// Started by the local cluster over IPC: when the parent goes away (even killed), so do we.
if (process.send) process.on("disconnect", () => void stop("parent-gone"));
