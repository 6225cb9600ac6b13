import postgres from "postgres";

/**
 * Which shared dependency an infrastructure error says is down, if any: Redis (ioredis
 * refuses commands while disconnected, as configured with `enableOfflineQueue: false`;
 * on a Redis Cluster also CLUSTERDOWN, a node gone, or no node answering) or Postgres
 * (refused, reset, timed out or shut down by the administrator).
 */
export const dependencyDown = (error: unknown): "redis" | "postgres" | undefined => {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (error instanceof postgres.PostgresError) {
    // 57P01-03: admin shutdown, crash shutdown, cannot connect now; 53300 too many connections.
    return ["57P01", "57P02", "57P03", "53300"].includes(error.code) ? "postgres" : undefined;
  }
  if (
    typeof code === "string" &&
    ["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"].includes(
      code,
    )
  ) {
    return "postgres";
  }
  const name = error.name;
  if (name === "MaxRetriesPerRequestError" || name === "ClusterAllFailedError") return "redis";
  if (
    /Stream isn't writeable|Connection is closed|enableOfflineQueue|^CLUSTERDOWN|Failed to refresh slots cache|None of startup nodes is available|^Cluster is (disconnected|disconnecting|ended)|Too many Cluster redirections|Node is disconnected/.test(
      error.message,
    )
  ) {
    return "redis";
  }
  // ioredis never surfaces raw socket errors to commands (they fail as above), so a raw
  // connection error reaching a request comes from postgres.js connecting.
  if (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"].includes(code)) {
    return "postgres";
  }
  return undefined;
};
