import type { Hono } from "hono";
import { answerProcedure } from "../../edge/rest.ts";
import { procedures, type RestContext } from "../caller.ts";
import { adminOnly } from "../limits.ts";

/** `GET /ops/health/pool` (admin): this instance's Postgres pool, the `pool.status` procedure. */
export const mountPool = (app: Hono, ctx: RestContext): void => {
  app.use("/ops/health/pool", adminOnly(ctx.authenticate));
  app.get("/ops/health/pool", (c) =>
    answerProcedure(c, ctx.deps.log, () => procedures(ctx, c).pool.status()),
  );
};
