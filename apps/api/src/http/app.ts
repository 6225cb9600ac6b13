import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { adminProblem } from "../auth/admin.ts";
import { tokenAuthenticator } from "../auth/tokens.ts";
import type { InstanceDeps } from "../deps.ts";
import { failureOf, retryAfterOf } from "../edge/trpc.ts";
import { requestFaults } from "../faults/requestFaults.ts";
import { checkHealth } from "../instance/health.ts";
import { serveMetrics } from "../metrics/endpoint.ts";
import { timeRequests } from "../metrics/http.ts";
import { clientOf, limitRate } from "../rateLimits/middleware.ts";
import type { ScaleTestCoordinator } from "../scaleTest/coordinator.ts";
import { appRouter } from "../trpc/root.ts";
import { stampIdentity } from "./identity.ts";
import { adminOnly, BODY_LIMITS, limitBody, TRPC_MAX_BATCH } from "./limits.ts";
import { mountBacktests } from "./routes/backtests.ts";
import { mountBars } from "./routes/bars.ts";
import { mountOps } from "./routes/ops.ts";
import { mountPool } from "./routes/pool.ts";
import { mountSnapshots } from "./routes/snapshots.ts";
import { mountUploads } from "./routes/uploads.ts";
import { mountWorkers } from "./routes/workers.ts";
import { shedHeavy } from "./shed.ts";
import { mountSpa } from "./spa.ts";

/** One instance's HTTP surface: REST routes, tRPC at /trpc, identity headers on everything. */
export const createApp = (deps: InstanceDeps, scaleTests: ScaleTestCoordinator): Hono => {
  const app = new Hono();
  const authenticate = tokenAuthenticator({
    admin: deps.env.ADMIN_TOKEN,
    viewer: deps.env.READ_TOKEN,
  });
  app.use("*", stampIdentity(deps.identity));
  // Prometheus: admin token, METRICS_TOKEN or METRICS_PUBLIC. Mounted before the timing
  // middleware, so scrapes are not counted as traffic.
  app.get(
    "/metrics",
    serveMetrics(deps.metrics.registry, {
      public: deps.env.METRICS_PUBLIC,
      token: deps.env.METRICS_TOKEN,
      authenticate,
    }),
  );
  app.use("*", timeRequests(deps.metrics.http, new Set(Object.keys(appRouter._def.procedures))));
  app.use("/api/*", requestFaults(deps.faults));
  // Liveness for the load balancer: the process serves. A dependency that is down makes
  // the instance degraded, not dead: it keeps answering 503s with a code, fast.
  app.get("/ops/live", (c) => c.json({ status: "live" }));
  // Public health says ok/degraded only; the details (dependencies' errors, memory,
  // boot ids) are for admins.
  app.get("/ops/health", async (c) => {
    const health = await checkHealth(deps);
    const status = health.status === "ok" ? 200 : 503;
    const admin = !adminProblem(authenticate(c.req.header("authorization")));
    return c.json(admin ? health : { status: health.status }, status);
  });
  const rest = { deps, scaleTests, authenticate };
  app.use("/ops/scale-test/*", adminOnly(authenticate), limitBody(BODY_LIMITS.json));
  app.use("/api/backtests", limitBody(BODY_LIMITS.json));
  app.use("/trpc/*", limitBody(BODY_LIMITS.trpc));
  // Per client: bars reads here; backtest enqueues (REST and tRPC) in heavyProcedure.
  app.get("/api/bars", limitRate(deps, "bars", authenticate));
  app.use("/api/bars", shedHeavy(deps));
  app.on("POST", "/api/backtests", shedHeavy(deps));
  mountBars(app, deps);
  mountBacktests(app, rest);
  mountOps(app, rest);
  mountPool(app, rest);
  mountSnapshots(app, rest);
  mountUploads(app, rest);
  mountWorkers(app, rest);
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      // One request cannot fan out into many calls (a batch of 50 cold bars queries would
      // be 50 upstream fetches): the UI batches at most this many.
      maxBatchSize: TRPC_MAX_BATCH,
      // Credentials travel only in the Authorization header, never in a URL.
      createContext: () => ({
        deps,
        scaleTests,
        headers: c.req.raw.headers,
        request: c.req.raw,
        principal: authenticate(c.req.header("authorization")),
        client: clientOf(deps, c),
      }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR" && !failureOf(error)) {
          deps.log.error({ err: error.cause ?? error, path }, "unhandled error");
        }
      },
      responseMeta: ({ errors }) => {
        const wait = retryAfterOf(errors);
        return wait === undefined ? {} : { headers: { "retry-after": String(wait) } };
      },
    }),
  );
  mountSpa(app);
  app.notFound((c) =>
    c.json(
      { error: { code: "NOT_FOUND", message: `no route ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );
  app.onError((error, c) => {
    deps.log.error({ err: error, path: c.req.path }, "unhandled error");
    return c.json({ error: { code: "INTERNAL", message: "internal error" } }, 500);
  });
  return app;
};
