/** Names the platform and HAProxy share: the config refers to them, the runtime API drives them. */
export const BACKEND = "instances";
export const serverName = (slot: number) => `slot${slot}`;

export interface HaproxyConfigOptions {
  /** Where the balancer listens (127.0.0.1). */
  readonly port: number;
  /** Pre-declared server slots, all in maintenance until an instance takes one. */
  readonly slots: number;
  /** The runtime API's unix socket. */
  readonly socketPath: string;
  /** instanceId -> server name, kept current through the runtime API (pinning). */
  readonly pinMapPath: string;
  /** The request header that pins a request to one instance (HEADERS.routeTo). */
  readonly routeToHeader: string;
  /** The instances' cheap public health route. */
  readonly healthPath: string;
}

const jsonError = (status: number, code: string, message: string, retryAfter?: number) =>
  `  http-error status ${status} content-type application/json string ${JSON.stringify(
    JSON.stringify({ error: { code, message } }),
  )}${retryAfter === undefined ? "" : ` hdr retry-after ${retryAfter}`}`;

/**
 * The load balancer in front of the local instances (HAProxy 2.6):
 * - keep-alive with clients and with the instances (idle server connections reused);
 * - a request whose connection fails, or whose instance dies before answering, is
 *   retried on another instance, but only GET/HEAD after being sent: HAProxy's L7
 *   retries would replay a POST too (verified), so `disable-l7-retry` keeps them
 *   at conn-failure (a request that never reached anyone);
 * - health checks on the public health route take a hung instance out of rotation
 *   (the supervisor takes a dead one out at once, through the runtime API). Its 503
 *   (degraded: Redis or Postgres unreachable) still counts as alive: a shared outage
 *   hits every instance alike, and their typed degraded answers beat a balancer 503;
 * - `x-route-to: <instanceId>` pins a request to that instance while it is up (the map
 *   says which slot it has); an unknown or downed instance falls back to balancing;
 * - the balancer's own errors are JSON like the instances' (503 NO_LIVE_INSTANCE);
 * - X-Forwarded-For carries the client's address to the instances (they believe it from
 *   the balancer only: TRUSTED_PROXIES), for per-client rate limits.
 */
export const renderConfig = (o: HaproxyConfigOptions): string => {
  const pinned = `req.hdr(${o.routeToHeader}),map(${o.pinMapPath})`;
  return `${[
    "global",
    `  stats socket ${o.socketPath} mode 600 level admin`,
    "  stats timeout 10s",
    "  maxconn 4096",
    "",
    "defaults",
    "  mode http",
    "  option http-keep-alive",
    "  option forwardfor",
    "  http-reuse safe",
    "  timeout connect 1s",
    "  timeout client 120s",
    "  timeout server 120s",
    "  timeout http-request 10s",
    "  timeout http-keep-alive 60s",
    "  timeout check 2s",
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure empty-response response-timeout",
    jsonError(503, "NO_LIVE_INSTANCE", "no live instance to route to", 1),
    jsonError(502, "BAD_GATEWAY", "the instance failed before answering"),
    jsonError(504, "GATEWAY_TIMEOUT", "the instance did not answer in time"),
    "",
    "frontend balancer",
    `  bind 127.0.0.1:${o.port}`,
    `  default_backend ${BACKEND}`,
    "",
    `backend ${BACKEND}`,
    "  balance roundrobin",
    "  http-request disable-l7-retry unless METH_GET",
    `  use-server %[${pinned}] if { ${pinned} -m found }`,
    `  option httpchk GET ${o.healthPath}`,
    "  http-check expect status 200,503",
    "  default-server check inter 2s fall 3 rise 2",
    `  server-template slot 1-${o.slots} 127.0.0.1:1 disabled`,
  ].join("\n")}\n`;
};
