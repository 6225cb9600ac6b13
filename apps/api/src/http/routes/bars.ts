import { HEADERS } from "@scaleproof/core/wire/headers";
import type { Hono } from "hono";
import { barsRequest } from "../../bars/input.ts";
import { getBars } from "../../bars/service.ts";
import type { InstanceDeps } from "../../deps.ts";
import { badRequestBody } from "../badRequest.ts";
import { sendFailure } from "../failure.ts";

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The 400 body for a malformed `x-scale-test-run` header, or undefined when it is fine or absent. */
export const runIdProblem = (runId: string | undefined) =>
  runId !== undefined && !RUN_ID.test(runId)
    ? {
        error: {
          code: "BAD_REQUEST",
          message: "invalid input",
          fields: [{ field: HEADERS.run, message: "must be 1-64 of A-Z a-z 0-9 _ -" }],
        },
      }
    : undefined;

/** `GET /api/bars?symbol&tf&start&end`: the heavy read, served from the shared cache. */
export const mountBars = (app: Hono, deps: InstanceDeps): void => {
  app.get("/api/bars", async (c) => {
    const parsed = barsRequest.safeParse(c.req.query());
    if (!parsed.success) return c.json(badRequestBody(parsed.error), 400);
    const runId = c.req.header(HEADERS.run);
    const problem = runIdProblem(runId);
    if (problem) return c.json(problem, 400);
    try {
      const r = await getBars(deps.bars, { ...parsed.data, dataset: deps.env.BARS_DATASET }, runId);
      c.header(HEADERS.cache, r.outcome);
      c.header(HEADERS.cacheKey, r.cacheKey);
      c.header("content-type", "application/json");
      // Node Buffers sit on a plain ArrayBuffer; the cast only narrows the type.
      return c.body(r.bytes as Uint8Array<ArrayBuffer>);
    } catch (error) {
      return sendFailure(c, deps, error);
    }
  });
};
