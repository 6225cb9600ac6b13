import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Gauge, Histogram, type Registry } from "prom-client";

export interface HttpMetrics {
  readonly duration: Histogram<"method" | "route" | "status">;
  readonly inFlight: Gauge<"area">;
}

/**
 * Which traffic a request is: `api`, the service's own (`/api/*`: bars, backtests,
 * snapshots, uploads), or `ops`, everything watching or steering it (tRPC, the UI's live
 * progress stream, /ops). The load profile's recovery check reads only `api`: a browser
 * left open on a run holds a stream in flight for as long as it watches, which says
 * nothing about the service's queues.
 */
export const areaOf = (path: string): "api" | "ops" => (path.startsWith("/api/") ? "api" : "ops");

/** From a cached bars answer (~1 ms) to a stampede waiter's budget (15 s). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpMetrics = (registry: Registry): HttpMetrics => {
  const metrics = httpMetricsOf(registry);
  // both areas exposed from boot, at 0: "nothing in flight" is a reading, not a gap
  for (const area of ["api", "ops"]) metrics.inFlight.set({ area }, 0);
  return metrics;
};

const httpMetricsOf = (registry: Registry): HttpMetrics => ({
  duration: new Histogram({
    name: "scaleproof_http_request_duration_seconds",
    help: "Time until the response (its headers, for a stream) by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    buckets: BUCKETS,
    registers: [registry],
  }),
  inFlight: new Gauge({
    name: "scaleproof_http_requests_in_flight",
    help: "HTTP requests being handled now (scrapes of /metrics excluded), by area: api (the service's /api/*) or ops (tRPC, streams, /ops)",
    labelNames: ["area"],
    registers: [registry],
  }),
});

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * The route label: the pattern of the handler that answered (`/api/backtests/:id`),
 * never the raw URL, so a client cannot create series at will. tRPC calls are named by
 * procedure when the path is exactly one known procedure, else `/trpc/*` (batches,
 * unknown names).
 */
export const routeLabel = (pattern: string, path: string, procedures: ReadonlySet<string>) => {
  if (pattern !== "/trpc/*") return pattern || "unmatched";
  const name = path.slice("/trpc/".length);
  return procedures.has(name) ? `/trpc/${name}` : pattern;
};

/** Times every request that passes it; mount it after /metrics so scrapes are not counted. */
export const timeRequests =
  (http: HttpMetrics, procedures: ReadonlySet<string>): MiddlewareHandler =>
  async (c, next) => {
    const end = http.duration.startTimer();
    const area = { area: areaOf(c.req.path) };
    http.inFlight.inc(area);
    try {
      await next();
    } finally {
      http.inFlight.dec(area);
      end({
        method: METHODS.has(c.req.method) ? c.req.method : "OTHER",
        // After next(): the deepest handler that ran, i.e. the one that answered.
        route: routeLabel(routePath(c), c.req.path, procedures),
        status: String(c.res.status),
      });
    }
  };
