import { setTimeout as sleep } from "node:timers/promises";
import type { Context, Hono } from "hono";
import { keyMatches } from "./auth.ts";
import { datasetRangeBody } from "./datasetRange.ts";
import type { ReplayDeps } from "./deps.ts";
import { type ApiError, isApiError, stringError, unauthorized } from "./errors.ts";
import { serveGetRange } from "./getRange.ts";
import { parseGetRange } from "./getRangeParams.ts";
import { normaliseTime } from "./match.ts";
import { readParams } from "./params.ts";
import type { RequestKey } from "./requestLog.ts";

const json = (e: ApiError, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(e.body), {
    status: e.status,
    headers: { "content-type": "application/json", ...e.headers, ...extra },
  });

const REASON: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "The remote gateway timed out.",
};

/** A knob-injected failure, shaped like the real one (the log marks it as injected). */
const injected = (fail: { status: number; retryAfterSec: number }): Response =>
  fail.status === 429
    ? json(
        stringError(429, `API rate limit exceeded. Retry after ${fail.retryAfterSec} seconds.`, {
          "retry-after": String(fail.retryAfterSec),
        }),
        { "x-replay-injected": "1" },
      )
    : json(stringError(fail.status, REASON[fail.status] ?? "Server Error"), {
        "x-replay-injected": "1",
      });

/** The subset of Databento's historical API that scaleproof calls, every request counted. */
export const mountUpstream = (app: Hono, deps: ReplayDeps): void => {
  const authorised = (c: Context) => keyMatches(c.req.header("authorization"), deps.apiKey);

  app.post("/v0/timeseries.get_range", async (c) => {
    const params = await readParams(c.req.raw);
    const key: RequestKey = {
      endpoint: "get_range",
      dataset: params.get("dataset")?.trim(),
      symbol: params.get("symbols")?.trim(),
      start: normaliseTime(params.get("start")?.trim()),
      end: normaliseTime(params.get("end")?.trim()),
    };
    const finish = deps.log.begin(key);
    const res = await (async (): Promise<Response> => {
      if (!authorised(c)) return json(unauthorized());
      const effect = deps.knobs.take(key);
      if (effect.latencyMs > 0)
        await sleep(effect.latencyMs, undefined, { signal: deps.closing }).catch(() => {});
      if (effect.fail) return injected(effect.fail);
      const parsed = parseGetRange(params);
      const served = isApiError(parsed) ? parsed : serveGetRange(deps.data, parsed);
      if (isApiError(served)) return json(served);
      deps.logger.debug({
        event: "get_range",
        ...key,
        records: served.records,
        bytes: served.bytes.byteLength,
      });
      return new Response(served.bytes, {
        status: 200,
        headers: { "content-type": served.contentType },
      });
    })();
    finish(res.status, res.headers.has("x-replay-injected"));
    return res;
  });

  app.get("/v0/metadata.get_dataset_range", (c) => {
    const dataset = c.req.query("dataset")?.trim();
    const finish = deps.log.begin({ endpoint: "get_dataset_range", dataset });
    const answer = !authorised(c) ? unauthorized() : datasetRangeBody(deps.data, dataset);
    const res = isApiError(answer) ? json(answer) : Response.json(answer);
    finish(res.status);
    return res;
  });

  // Anything else under /v0 is outside the subset: counted, and answered as the real
  // (FastAPI) service answers an unknown route.
  app.all("/v0/*", (c) => {
    const finish = deps.log.begin({ endpoint: "other", symbol: `${c.req.method} ${c.req.path}` });
    finish(404);
    return json(stringError(404, "Not Found"));
  });
};
