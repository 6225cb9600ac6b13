import type { Hono } from "hono";
import { badRequestBody, NOT_JSON } from "./badRequest.ts";
import { type HealthResponse, type ResetResponse, statsQuery } from "./controlApi.ts";
import type { ReplayDeps } from "./deps.ts";
import { knobsBody } from "./knobsSchema.ts";
import { statsBody } from "./stats.ts";
import { formatNs } from "./time.ts";

/**
 * The replay upstream's own evidence and controls, outside Databento's API (`/_replay`,
 * no key: it listens on loopback and holds no secret). Not counted as upstream requests.
 */
export const mountAdmin = (app: Hono, deps: ReplayDeps): void => {
  app.get("/_replay/health", (c) =>
    c.json({
      status: "ok",
      dataDir: deps.data.dir,
      datasets: [...deps.data.datasets.values()].map((d) => ({
        dataset: d.dataset,
        contracts: [...d.contracts.keys()],
        bars: d.rowCount,
        start: formatNs(d.availableStart),
        end: formatNs(d.availableEnd),
      })),
    } satisfies HealthResponse),
  );

  app.get("/_replay/stats", (c) => {
    const parsed = statsQuery.safeParse(c.req.query());
    if (!parsed.success) return c.json(badRequestBody(parsed.error), 400);
    const { recent, ...filter } = parsed.data;
    return c.json(statsBody(deps.log, filter, recent));
  });

  app.post("/_replay/reset", (c) => {
    deps.log.reset();
    return c.json({ ok: true } satisfies ResetResponse);
  });

  app.get("/_replay/knobs", (c) => c.json(deps.knobs.view()));

  app.post("/_replay/knobs", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(NOT_JSON, 400);
    }
    const parsed = knobsBody.safeParse(body);
    if (!parsed.success) return c.json(badRequestBody(parsed.error), 400);
    deps.knobs.set(parsed.data);
    deps.logger.info({ event: "knobs", knobs: parsed.data }, "replay knobs set");
    return c.json(deps.knobs.view());
  });
};
