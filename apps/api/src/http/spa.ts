import { existsSync } from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";

export const SPA_DIR = path.resolve(import.meta.dirname, "../../../web/dist");

/**
 * The built web UI (apps/web/dist, `pnpm -F @scaleproof/web build`), from every
 * instance: assets as files, every other GET that is not an API path gets index.html.
 */
export const mountSpa = (app: Hono): void => {
  if (!existsSync(path.join(SPA_DIR, "index.html"))) return;
  const root = path.relative(process.cwd(), SPA_DIR) || ".";
  app.use("/assets/*", serveStatic({ root }));
  // A missing asset is a 404, not the SPA's HTML with 200 (a stale bundle must fail loudly).
  app.get("/assets/*", (c) =>
    c.json({ error: { code: "NOT_FOUND", message: `no asset ${c.req.path}` } }, 404),
  );
  app.get("*", async (c, next) => {
    if (/^\/(api|ops|trpc|metrics)(\/|$)/.test(c.req.path)) return next();
    return serveStatic({ root, path: "index.html" })(c, next);
  });
};
