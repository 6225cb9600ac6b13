import { TargetUnreachable } from "@scaleproof/core/scale-test/errors";
import { Target, type TargetResponse } from "@scaleproof/core/scale-test/services";
import { Effect, Layer } from "effect";
import { ROUTE_TO_HEADER } from "../cluster/frontDoor.ts";
import { RUN_HEADER } from "../http/routes/bars.ts";

const CACHE_OUTCOMES = new Set(["HIT", "MISS", "WAIT"]);
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The system under test over real HTTP at its public URL (the front door locally).
 * Every request carries the run id; what came back is read from the response itself.
 */
export const targetLayer = (url: string, runId: string): Layer.Layer<Target> =>
  Layer.succeed(
    Target,
    Target.of({
      url,
      runId,
      post: (req) =>
        Effect.tryPromise({
          try: async () => {
            const headers: Record<string, string> = {
              [RUN_HEADER]: runId,
              "content-type": "application/json",
            };
            if (req.pin) headers[ROUTE_TO_HEADER] = req.pin;
            const started = performance.now();
            const res = await fetch(new URL(req.path, url), {
              method: "POST",
              headers,
              body: JSON.stringify(req.body),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            });
            const body = Buffer.from(await res.arrayBuffer());
            let json: unknown = null;
            try {
              json = JSON.parse(body.toString("utf8"));
            } catch {
              // not JSON: json stays null
            }
            return {
              status: res.status,
              cache: null,
              cacheKey: null,
              instanceId: res.headers.get("x-instance-id"),
              bootId: res.headers.get("x-boot-id"),
              version: res.headers.get("x-app-version"),
              bytes: body.length,
              durationMs: performance.now() - started,
              errorCode: res.ok ? null : errorCodeOf(body),
              json,
            };
          },
          catch: (error) =>
            new TargetUnreachable({
              url,
              message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            }),
        }),
      get: (req) =>
        Effect.tryPromise({
          try: async (signal): Promise<TargetResponse> => {
            const u = new URL(req.path, url);
            for (const [k, v] of Object.entries(req.query ?? {})) u.searchParams.set(k, v);
            const headers: Record<string, string> = { [RUN_HEADER]: runId };
            if (req.pin) headers[ROUTE_TO_HEADER] = req.pin;
            const started = performance.now();
            const res = await fetch(u, {
              headers,
              signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
            });
            const body = Buffer.from(await res.arrayBuffer());
            const durationMs = performance.now() - started;
            const cache = res.headers.get("x-cache");
            return {
              status: res.status,
              cache: cache && CACHE_OUTCOMES.has(cache) ? (cache as TargetResponse["cache"]) : null,
              cacheKey: res.headers.get("x-cache-key"),
              instanceId: res.headers.get("x-instance-id"),
              bootId: res.headers.get("x-boot-id"),
              version: res.headers.get("x-app-version"),
              bytes: body.length,
              durationMs,
              errorCode: res.ok ? null : errorCodeOf(body),
            };
          },
          catch: (error) =>
            new TargetUnreachable({
              url,
              message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            }),
        }),
    }),
  );

const errorCodeOf = (body: Buffer): string | null => {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === "string" ? parsed.error.code : null;
  } catch {
    return null;
  }
};
