import type { Handler } from "hono";
import type { Registry } from "prom-client";
import { type AuthProblem, adminProblem } from "../auth/admin.ts";
import { type Principal, tokenAuthenticator } from "../auth/tokens.ts";

export interface MetricsAccess {
  /** METRICS_PUBLIC: anyone may scrape. */
  readonly public: boolean;
  /** METRICS_TOKEN: a bearer token good for /metrics only. */
  readonly token: string | undefined;
  /** The instance's admin/viewer authenticator: the admin token may scrape too. */
  readonly authenticate: (authorization: string | undefined) => Principal;
}

/** Why this request may not read /metrics, or undefined when it may. */
export const metricsProblem = (access: MetricsAccess) => {
  const metricsToken = tokenAuthenticator({ viewer: access.token });
  return (authorization: string | undefined): AuthProblem | undefined => {
    if (access.public || metricsToken(authorization).kind === "token") return undefined;
    const problem = adminProblem(access.authenticate(authorization));
    return problem?.status === 401
      ? {
          ...problem,
          message: "metrics need METRICS_TOKEN or the admin token (Authorization: Bearer <token>)",
        }
      : problem;
  };
};

/** `GET /metrics`: the Prometheus text format, or 401/403 as for ops routes. */
export const serveMetrics = (registry: Registry, access: MetricsAccess): Handler => {
  const check = metricsProblem(access);
  return async (c) => {
    const problem = check(c.req.header("authorization"));
    if (problem) {
      return c.json({ error: { code: problem.code, message: problem.message } }, problem.status);
    }
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  };
};
