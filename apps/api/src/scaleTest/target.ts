import { TargetUnreachable } from "@scaleproof/core/scale-test/errors";
import { Target, type TargetResponse } from "@scaleproof/core/scale-test/services";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { Effect, Layer } from "effect";
import { requestLineOf, signEvidence } from "../runs/evidenceSignature.ts";

const CACHE_OUTCOMES = new Set(["HIT", "MISS", "WAIT"]);
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The system under test over real HTTP at its public URL (the front door locally).
 * Every request carries the run id, signed; what came back is read from the response itself.
 */
export const targetLayer = (
  url: string,
  runId: string,
  adminToken: string | undefined,
): Layer.Layer<Target> => {
  const send = (
    path: string,
    init: { query?: Readonly<Record<string, string>>; pin?: string; body?: unknown },
  ) =>
    Effect.tryPromise({
      try: async (signal) => {
        const u = new URL(path, url);
        for (const [k, v] of Object.entries(init.query ?? {})) u.searchParams.set(k, v);
        const method = init.body === undefined ? "GET" : "POST";
        // Signed: only the runner's requests count as this run's evidence.
        const headers: Record<string, string> = adminToken
          ? signEvidence(adminToken, runId, requestLineOf(method, u))
          : { [HEADERS.run]: runId };
        if (init.pin) headers[HEADERS.routeTo] = init.pin;
        if (init.body !== undefined) headers["content-type"] = "application/json";
        const started = performance.now();
        const res = await fetch(u, {
          method,
          headers,
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
        const body = Buffer.from(await res.arrayBuffer());
        const cache = res.headers.get(HEADERS.cache);
        const response: TargetResponse = {
          status: res.status,
          cache: cache && CACHE_OUTCOMES.has(cache) ? (cache as TargetResponse["cache"]) : null,
          cacheKey: res.headers.get(HEADERS.cacheKey),
          instanceId: res.headers.get(HEADERS.instanceId),
          bootId: res.headers.get(HEADERS.bootId),
          version: res.headers.get(HEADERS.appVersion),
          bytes: body.length,
          durationMs: performance.now() - started,
          errorCode: res.ok
            ? null
            : ((jsonOf(body) as { error?: { code?: string } } | null)?.error?.code ?? null),
        };
        return { response, body };
      },
      catch: (error) =>
        new TargetUnreachable({
          url,
          message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
    });
  return Layer.succeed(
    Target,
    Target.of({
      url,
      runId,
      get: (req) =>
        send(req.path, {
          ...(req.query ? { query: req.query } : {}),
          ...(req.pin ? { pin: req.pin } : {}),
        }).pipe(Effect.map((r) => r.response)),
      post: (req) =>
        send(req.path, { body: req.body, ...(req.pin ? { pin: req.pin } : {}) }).pipe(
          Effect.map((r) => ({ ...r.response, json: jsonOf(r.body) })),
        ),
    }),
  );
};

const jsonOf = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
};
