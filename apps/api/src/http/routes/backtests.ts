import { HEADERS } from "@scaleproof/core/wire/headers";
import { getJob } from "@scaleproof/db/queries/getJob";
import { listJobs } from "@scaleproof/db/queries/listJobs";
import type { Hono } from "hono";
import { z } from "zod";
import { backtestInput } from "../../backtests/input.ts";
import { enqueueBacktest } from "../../backtests/service.ts";
import { toJobView } from "../../backtests/view.ts";
import type { InstanceDeps } from "../../deps.ts";
import { jobId } from "../../trpc/router/backtests.ts";
import { badRequestBody, NOT_JSON, readJson } from "../badRequest.ts";
import { runIdProblem } from "./bars.ts";

const listQuery = z.strictObject({
  runId: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** `POST /api/backtests` (202 + id), `GET /api/backtests/:id`, `GET /api/backtests?runId&limit`. */
export const mountBacktests = (app: Hono, deps: InstanceDeps): void => {
  app.post("/api/backtests", async (c) => {
    const json = await readJson(c.req);
    if (!json.ok) return c.json(NOT_JSON, 400);
    const body = json.body;
    const parsed = backtestInput.safeParse(body);
    if (!parsed.success) return c.json(badRequestBody(parsed.error), 400);
    const runId = c.req.header(HEADERS.run);
    const problem = runIdProblem(runId);
    if (problem) return c.json(problem, 400);
    const id = await enqueueBacktest(deps, parsed.data, runId);
    return c.json({ id, status: "queued" }, 202);
  });
  app.get("/api/backtests/:id", async (c) => {
    const id = jobId.safeParse(c.req.param("id"));
    if (!id.success) return c.json(badRequestBody(id.error), 400);
    const row = await getJob(deps.sql, id.data);
    if (!row)
      return c.json({ error: { code: "NOT_FOUND", message: `no backtest ${id.data}` } }, 404);
    return c.json(toJobView(row));
  });
  app.get("/api/backtests", async (c) => {
    const q = listQuery.safeParse(c.req.query());
    if (!q.success) return c.json(badRequestBody(q.error), 400);
    return c.json((await listJobs(deps.sql, q.data)).map(toJobView));
  });
};
