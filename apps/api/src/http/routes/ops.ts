import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import type { tokenAuthenticator } from "../../auth/tokens.ts";
import type { InstanceDeps } from "../../deps.ts";
import type { ScaleTestCoordinator } from "../../scaleTest/coordinator.ts";
import { appRouter } from "../../trpc/root.ts";
import { createCallerFactory } from "../../trpc/trpc.ts";
import { fieldProblems, NOT_JSON, readJson } from "../badRequest.ts";

const createCaller = createCallerFactory(appRouter);

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
export const mountOps = (
  app: Hono,
  ctx: {
    deps: InstanceDeps;
    scaleTests: ScaleTestCoordinator;
    authenticate: ReturnType<typeof tokenAuthenticator>;
  },
): void => {
  const caller = (c: Context) =>
    createCaller({
      deps: ctx.deps,
      scaleTests: ctx.scaleTests,
      headers: c.req.raw.headers,
      principal: ctx.authenticate(c.req.header("authorization")),
    });
  const answer = async (
    c: Context,
    f: () => Promise<unknown>,
    status: ContentfulStatusCode = 200,
  ) => {
    try {
      return c.json(await f(), status);
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      const code = getHTTPStatusCodeFromError(error) as ContentfulStatusCode;
      const fields = error.cause instanceof ZodError ? fieldProblems(error.cause) : undefined;
      const message = fields ? "invalid input" : error.message;
      return c.json({ error: { code: error.code, message, ...(fields ? { fields } : {}) } }, code);
    }
  };
  app.get("/ops/scale-test/run", (c) =>
    answer(c, () => caller(c).scaleTest.run(fromQuery(c.req.query()) as never), 202),
  );
  app.post("/ops/scale-test/run", async (c) => {
    const json = await readJson(c.req);
    if (!json.ok) return c.json(NOT_JSON, 400);
    const body = json.body;
    return answer(c, () => caller(c).scaleTest.run(body as never), 202);
  });
  app.get("/ops/scale-test/status", (c) => answer(c, () => caller(c).scaleTest.status()));
  app.get("/ops/scale-test/results", (c) =>
    answer(c, () => caller(c).scaleTest.results(c.req.query() as never)),
  );
};
