import { HEADERS } from "@scaleproof/core/wire/headers";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { tokenAuthenticator } from "../auth/tokens.ts";
import type { InstanceDeps } from "../deps.ts";
import { checkHealth } from "../instance/health.ts";
import { VERSION } from "../instance/version.ts";
import type { ScaleTestCoordinator } from "../scaleTest/coordinator.ts";
import { appRouter } from "../trpc/root.ts";
import { mountBacktests } from "./routes/backtests.ts";
import { mountBars } from "./routes/bars.ts";
import { mountOps } from "./routes/ops.ts";
import { shedHeavy } from "./shed.ts";
import { mountSpa } from "./spa.ts";

/** One instance's HTTP surface: REST routes, tRPC at /trpc, identity headers on everything. */
export const createApp = (deps: InstanceDeps, scaleTests: ScaleTestCoordinator): Hono => {
  const app = new Hono();
  const authenticate = tokenAuthenticator({
    admin: deps.env.ADMIN_TOKEN,
    viewer: deps.env.READ_TOKEN,
  });
  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set(HEADERS.instanceId, deps.identity.instanceId);
    c.res.headers.set(HEADERS.bootId, deps.identity.bootId);
    c.res.headers.set(HEADERS.appVersion, VERSION);
  });
  app.get("/ops/health", async (c) => {
    const health = await checkHealth(deps);
    return c.json(health, health.status === "ok" ? 200 : 503);
  });
  app.use("/api/bars", shedHeavy(deps));
  app.on("POST", "/api/backtests", shedHeavy(deps));
  mountBars(app, deps);
  mountBacktests(app, deps);
  mountOps(app, { deps, scaleTests, authenticate });
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      createContext: ({ info }) => {
        // Browsers cannot set headers on EventSource: subscriptions may carry the
        // token in tRPC's connection params instead.
        const fromParams = info.connectionParams?.token;
        const authorization =
          c.req.header("authorization") ?? (fromParams ? `Bearer ${fromParams}` : undefined);
        return {
          deps,
          scaleTests,
          headers: c.req.raw.headers,
          principal: authenticate(authorization),
        };
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
