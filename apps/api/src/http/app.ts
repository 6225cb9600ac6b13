import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import type { InstanceDeps } from "../instance/deps.ts";
import { checkHealth } from "../instance/health.ts";
import { appRouter } from "../trpc/root.ts";
import { mountBars } from "./routes/bars.ts";

/** One instance's HTTP surface: REST routes, tRPC at /trpc, identity headers on everything. */
export const createApp = (deps: InstanceDeps): Hono => {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set("x-instance-id", deps.identity.instanceId);
    c.res.headers.set("x-boot-id", deps.identity.bootId);
  });
  app.get("/ops/health", async (c) => {
    const health = await checkHealth(deps);
    return c.json(health, health.status === "ok" ? 200 : 503);
  });
  mountBars(app, deps);
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      createContext: () => ({ deps, headers: c.req.raw.headers }),
    }),
  );
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
