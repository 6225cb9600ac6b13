import { flushCompileCache } from "node:module";
import { serve } from "@hono/node-server";
import { loadInstanceEnv } from "./config/env.ts";
import { publishPool } from "./db-health/publisher.ts";
import { openInstanceDeps } from "./deps.ts";
import { createApp } from "./http/app.ts";
import { resolveIdentity } from "./instance/identity.ts";
import { createLogger } from "./instance/log.ts";
import type { InstanceReady } from "./instance/ready.ts";
import { JobWorker } from "./jobs/worker.ts";
import { startPruner } from "./retention/pruner.ts";
import { ScaleTestCoordinator } from "./scaleTest/coordinator.ts";

/** One instance: the process the platform (or the local front door) runs N of. */
const env = loadInstanceEnv();
const identity = resolveIdentity(env);
const log = createLogger(identity, env.LOG_LEVEL);
// Started by the local cluster: when it goes away (even killed), so do we. While it
// boots (it may wait for Postgres) the process just ends: nothing is open yet that a
// clean stop would release; once up, `stop` lets requests finish and releases everything.
let booted = false;
if (process.send) {
  if (!process.connected) process.exit(1);
  process.on("disconnect", () => (booted ? void stop("parent-gone") : process.exit(1)));
}
const deps = await openInstanceDeps(env, identity, log);
const scaleTests = new ScaleTestCoordinator(deps);
const jobs = new JobWorker(deps);
await jobs.start();
deps.sampler.start();
const stopPoolPublisher = publishPool(deps);
const stopPruner = startPruner(deps.sql, log, {
  days: env.RETENTION_DAYS,
  maxRows: env.RETENTION_MAX_ROWS,
  everyMs: env.RETENTION_SWEEP_MS,
});
const server = serve(
  { fetch: createApp(deps, scaleTests).fetch, port: env.PORT, hostname: env.HOST },
  (info) => {
    log.info(
      { event: "listening", port: info.port, provider: deps.bars.provider.name },
      "instance listening",
    );
    // Readiness for the platform that started us: an IPC message, independent of logging.
    process.send?.({
      type: "ready",
      port: info.port,
      instanceId: identity.instanceId,
      bootId: identity.bootId,
    } satisfies InstanceReady);
    // With NODE_COMPILE_CACHE (the local platform sets it) the code compiled so far is
    // written now, not at exit: an instance killed by a crash never exits, and the one
    // started in its place would compile everything again. No-op without the cache.
    flushCompileCache();
  },
);
// Keep idle keep-alive connections open longer than the load balancer does, so the
// instance never closes one just as the balancer sends a request on it (a POST lost
// that way cannot be retried safely). Headers must time out later still.
if ("keepAliveTimeout" in server) {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

const STOP_DEADLINE_MS = 10_000;
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ event: "stopping", signal }, "instance stopping");
  // A clean stop releases every connection; a stop that hangs (a dependency already
  // gone, say) must still end the process, or it would outlive its cluster.
  const deadline = setTimeout(() => {
    log.error({ event: "stop_timeout", signal }, "shutdown did not finish in time; exiting");
    process.exit(1);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  try {
    server.close();
    stopPruner();
    stopPoolPublisher();
    await scaleTests.close();
    await jobs.close();
    await deps.close();
  } catch (error) {
    log.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
booted = true;
