import { NOT_JSON, readJson } from "@scaleproof/core/wire/fieldProblems";
import type { Hono } from "hono";
import { answerProcedure } from "../../edge/rest.ts";
import { INGEST_BODY_LIMIT } from "../../snapshots/contract.ts";
import { procedures, type RestContext } from "../caller.ts";
import { adminOnly, limitBody } from "../limits.ts";
import { shedHeavy } from "../shed.ts";

/**
 * `POST /api/snapshots` (one snapshot or an array; 200 once durable) and the admin's
 * `GET /ops/snapshots` (this instance's buffer and flush lag): the `snapshots.*` procedures.
 */
export const mountSnapshots = (app: Hono, ctx: RestContext): void => {
  const log = ctx.deps.log;
  app.use("/api/snapshots", limitBody(INGEST_BODY_LIMIT));
  app.on("POST", "/api/snapshots", shedHeavy(ctx.deps));
  app.post("/api/snapshots", async (c) => {
    const json = await readJson(c.req);
    if (!json.ok) return c.json(NOT_JSON, 400);
    return answerProcedure(c, log, () => procedures(ctx, c).snapshots.ingest(json.body));
  });
  app.use("/ops/snapshots", adminOnly(ctx.authenticate));
  app.get("/ops/snapshots", (c) =>
    answerProcedure(c, log, () => procedures(ctx, c).snapshots.stats()),
  );
};
