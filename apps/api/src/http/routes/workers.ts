import type { Hono } from "hono";
import { answerProcedure } from "../../edge/rest.ts";
import { procedures, type RestContext } from "../caller.ts";
import { adminOnly } from "../limits.ts";

/** `GET /ops/workers` (admin): the `workers.status` procedure. */
export const mountWorkers = (app: Hono, ctx: RestContext): void => {
  app.use("/ops/workers", adminOnly(ctx.authenticate));
  app.get("/ops/workers", (c) =>
    answerProcedure(c, ctx.deps.log, () => procedures(ctx, c).workers.status()),
  );
};
