import { NOT_JSON, readJson } from "@scaleproof/core/wire/fieldProblems";
import type { Hono } from "hono";
import { answerProcedure } from "../../edge/rest.ts";
import { procedures, type RestContext } from "../caller.ts";

/** `?limit=20` -> a number; anything else is left for the procedure's schema to refuse. */
const listQuery = (q: Record<string, string>) => {
  const { limit, ...rest } = q;
  return limit !== undefined && /^\d+$/.test(limit) ? { ...rest, limit: Number(limit) } : q;
};

/**
 * `POST /api/backtests` (202 + id), `GET /api/backtests/:id`, `GET /api/backtests?runId&limit`:
 * thin REST twins of the `backtests.*` procedures (same validation, answers and errors).
 */
export const mountBacktests = (app: Hono, ctx: RestContext): void => {
  const log = ctx.deps.log;
  app.post("/api/backtests", async (c) => {
    const json = await readJson(c.req);
    if (!json.ok) return c.json(NOT_JSON, 400);
    return answerProcedure(
      c,
      log,
      () => procedures(ctx, c).backtests.enqueue(json.body as never),
      202,
    );
  });
  app.get("/api/backtests/:id", (c) =>
    answerProcedure(c, log, () => procedures(ctx, c).backtests.get({ id: c.req.param("id") })),
  );
  app.get("/api/backtests", (c) =>
    answerProcedure(c, log, () =>
      procedures(ctx, c).backtests.list(listQuery(c.req.query()) as never),
    ),
  );
};
