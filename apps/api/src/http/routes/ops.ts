import { NOT_JSON, readJson } from "@scaleproof/core/wire/fieldProblems";
import type { Hono } from "hono";
import { answerProcedure } from "../../edge/rest.ts";
import { procedures, type RestContext } from "../caller.ts";

/** `?durationMin=30&quick=true` -> typed values; anything else is left for the schema to refuse. */
const fromQuery = (query: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(query).map(([k, v]) => [
      k,
      /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === "true" ? true : v === "false" ? false : v,
    ]),
  );

/**
 * The seed's REST routes, calling the very tRPC procedures (same auth, validation and
 * answers): `GET|POST /ops/scale-test/run`, `GET /ops/scale-test/status`,
 * `GET /ops/scale-test/results?runId=`.
 */
export const mountOps = (app: Hono, ctx: RestContext): void => {
  const log = ctx.deps.log;
  app.get("/ops/scale-test/run", (c) =>
    answerProcedure(
      c,
      log,
      () => procedures(ctx, c).scaleTest.run(fromQuery(c.req.query()) as never),
      202,
    ),
  );
  app.post("/ops/scale-test/run", async (c) => {
    const json = await readJson(c.req);
    if (!json.ok) return c.json(NOT_JSON, 400);
    return answerProcedure(c, log, () => procedures(ctx, c).scaleTest.run(json.body as never), 202);
  });
  app.get("/ops/scale-test/status", (c) =>
    answerProcedure(c, log, () => procedures(ctx, c).scaleTest.status()),
  );
  app.get("/ops/scale-test/results", (c) =>
    answerProcedure(c, log, () => procedures(ctx, c).scaleTest.results(c.req.query() as never)),
  );
};
