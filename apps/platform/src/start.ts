import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { connect, DEFAULT_DATABASE_URL, ensureDatabase } from "@scaleproof/db/client";
import { migrate } from "@scaleproof/db/migrate";
import { ChildStartFailed, childEnv } from "./child.ts";
import { type Cluster, MAX_INSTANCES, startCluster } from "./cluster.ts";
import { ensureServices } from "./services.ts";

/**
 * `pnpm start`: services, migrations, replay upstream (without a Databento key), N
 * instances behind HAProxy, then a run through the CLI (the full profile in quick mode
 * unless told otherwise), and the UI until Ctrl-C, which stops everything.
 *   --no-run            start the cluster only
 *   --exit              run, print the verdict, stop, exit with the verdict's code (CI)
 *   --profile P         which profile to run (default full)
 *   --duration D        a seed-length run of D (`60m`, `90s`, minutes) instead of quick mode
 */
const { values } = parseArgs({
  options: {
    "no-run": { type: "boolean", default: false },
    exit: { type: "boolean", default: false },
    profile: { type: "string", default: "full" },
    duration: { type: "string" },
    instances: { type: "string", default: "2" },
    port: { type: "string", default: process.env.PORT ?? "8080" },
  },
});
const instances = Number(values.instances);
const port = Number(values.port);
if (!Number.isInteger(instances) || instances < 1 || instances > MAX_INSTANCES) {
  console.error(`--instances must be a whole number from 1 to ${MAX_INSTANCES}`);
  process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error("--port must be a port number");
  process.exit(2);
}

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const CLI_ENTRY = path.join(repoRoot, "apps/cli/src/main.ts");
// Where the token, logs and exported runs go (SCALEPROOF_STATE_DIR: another folder, e.g. in tests).
const stateDir = process.env.SCALEPROOF_STATE_DIR ?? path.join(repoRoot, ".scaleproof");
const logDir = path.join(stateDir, "logs");
mkdirSync(logDir, { recursive: true });
const logFile = createWriteStream(path.join(logDir, "cluster.log"), { flags: "a" });
const say = (line: string) => console.log(`[scaleproof] ${line}`);

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
// REDIS_CLUSTER_NODES (a Redis Cluster) reaches the instances with the rest of this
// environment; then its first seed node is the Redis that must answer here.
const clusterSeed = process.env.REDIS_CLUSTER_NODES?.split(",")[0]?.trim();
const redisUrl = clusterSeed
  ? `redis://${clusterSeed}`
  : (process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
await ensureServices(databaseUrl, redisUrl, say);
await ensureDatabase(databaseUrl);
const sql = connect(databaseUrl, { max: 1, applicationName: "scaleproof-start" });
const applied = await migrate(sql);
await sql.end({ timeout: 5 });
say(applied.length ? `applied migrations ${applied.join(", ")}` : "database is up to date");

// The admin token: yours (ADMIN_TOKEN) or a fresh one, printed once on the terminal (never
// into the log file) and left in .scaleproof/admin-token (mode 600) for the CLI.
const adminToken = process.env.ADMIN_TOKEN ?? randomBytes(24).toString("base64url");
const tokenFile = path.join(stateDir, "admin-token");
writeFileSync(tokenFile, `${adminToken}\n`, { mode: 0o600 });

// Until the cluster is up a dying child's fatal line goes to the log file only: the
// terminal gets one line saying why it could not start (a missing data folder, a port).
let up = false;
const cluster: Cluster = await startCluster({
  instances,
  port,
  env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ADMIN_TOKEN: adminToken },
  databentoApiKey: process.env.DATABENTO_API_KEY,
  onLine: (source, line) => {
    logFile.write(`${line}\n`);
    // The terminal gets what a person watches for; everything is in the log file.
    if (up && (/"level":(50|60)/.test(line) || !line.startsWith("{")))
      console.log(`[${source}] ${line}`);
  },
  onRestart: (id, exit) => say(`instance ${id} exited (${exit}); restarting it`),
}).catch((e: unknown) => {
  logFile.write(`${e instanceof Error ? e.message : String(e)}\n`);
  console.error(
    `[scaleproof] cannot start: ${e instanceof ChildStartFailed ? `${e.what}: ${e.reason}` : e instanceof Error ? e.message : String(e)}`,
  );
  logFile.end(() => process.exit(1));
  return new Promise<never>(() => {});
});
up = true;
say(
  cluster.replay
    ? `replay upstream (real recorded bars) at ${cluster.replay.url}`
    : "provider: Databento",
);
say(
  `${instances} instances: ${cluster.supervisor
    .view()
    .map((s) => `${s.instanceId} (pid ${s.pid}, port ${s.port})`)
    .join(", ")}`,
);
say(`load balancer (HAProxy): ${cluster.url}   (health: ${cluster.url}/ops/health)`);
say(
  process.env.ADMIN_TOKEN
    ? "admin token: from ADMIN_TOKEN"
    : `admin token (generated; set ADMIN_TOKEN to choose one): ${adminToken}`,
);
say(`scale test: pnpm scaleproof run --profile cache --quick   (target ${cluster.url})`);
say(
  `logs: ${path.relative(process.cwd(), path.join(logDir, "cluster.log"))}; Ctrl-C stops everything`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  say("stopping...");
  await cluster.stop();
  logFile.end();
  say("stopped");
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

// The main job: the full profile in quick mode through the typed CLI, as a user runs it
// (or the profile and seed length asked for).
let code: number | null = null;
if (!values["no-run"]) {
  const runsDir = path.join(stateDir, "runs");
  mkdirSync(runsDir, { recursive: true });
  const profile = values.profile;
  const json = path.join(
    runsDir,
    `${profile}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
  );
  const length = values.duration ? ["--duration", values.duration] : ["--quick"];
  say(
    values.duration
      ? `running the ${profile} profile for ${values.duration} (seed length)...`
      : `running the ${profile} profile in quick mode...`,
  );
  code = await new Promise<number | null>((resolve) => {
    const cli = spawn(
      process.execPath,
      [CLI_ENTRY, "run", "--profile", profile, ...length, "--target", cluster.url, "--json", json],
      {
        stdio: "inherit",
        env: childEnv({}, { SCALEPROOF_TOKEN: adminToken }),
      },
    );
    cli.on("exit", resolve);
  });
  say(
    code === 2
      ? "the full run could not complete (see above)"
      : `exported: ${path.relative(process.cwd(), json)}`,
  );
}
if (values.exit) {
  // CI and `pnpm soak`: the verdict's exit code (0 PASS, 1 FAIL, 2 error), nothing left running.
  await cluster.stop();
  logFile.end();
  process.exit(code ?? 2);
}
say(`web UI: ${cluster.url}/#token=${adminToken}   (Ctrl-C stops everything)`);
