import { badRequestBody } from "@scaleproof/core/wire/fieldProblems";
import { HEADERS } from "@scaleproof/core/wire/headers";
import type { Hono } from "hono";
import { barsRequest } from "../../bars/input.ts";
import { getBars } from "../../bars/service.ts";
import type { InstanceDeps } from "../../deps.ts";
import { sendFailure } from "../../edge/rest.ts";
import { runEvidenceOf } from "../evidence.ts";
import { identityHeaders, withIdentity } from "../identity.ts";

/** `GET /api/bars?symbol&tf&start&end`: the heavy read, served from the shared cache. */
export const mountBars = (app: Hono, deps: InstanceDeps): void => {
  const identity = identityHeaders(deps.identity);
  app.get("/api/bars", async (c) => {
    const parsed = barsRequest.safeParse(c.req.query());
    if (!parsed.success) return c.json(badRequestBody(parsed.error), 400);
    const run = await runEvidenceOf(deps, c.req.raw);
    if (!run.ok) return c.json(badRequestBody(run.error), 400);
    const runId = run.runId;
    try {
      const r = await getBars(deps.bars, { ...parsed.data, dataset: deps.env.BARS_DATASET }, runId);
      // Every header written once, as a record the node adapter sends as it is (no Fetch
      // Headers built and read back); node:http adds the Content-Length (not for a HEAD).
      const headers = {
        "content-type": "application/json",
        ...identity,
        [HEADERS.cache]: r.outcome,
        [HEADERS.cacheKey]: r.cacheKey,
      };
      // Node Buffers sit on a plain ArrayBuffer; the cast only narrows the type.
      return withIdentity(new Response(r.bytes as Uint8Array<ArrayBuffer>, { headers }));
    } catch (error) {
      return sendFailure(c, deps.log, error);
    }
  });
};
