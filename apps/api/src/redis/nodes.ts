import { z } from "zod";

/**
 * REDIS_CLUSTER_NODES: the seed nodes of a Redis Cluster, `host:port` comma-separated
 * (`10.0.0.1:7000,10.0.0.2:7000`). Any reachable master or replica will do: the client
 * learns the rest of the cluster from it. Unset or empty: one Redis at REDIS_URL.
 */
export interface ClusterNode {
  readonly host: string;
  readonly port: number;
}

const NODE = /^([^\s:,]+):(\d{1,5})$/;

export const clusterNodes = z
  .string()
  .optional()
  .transform((raw, ctx): readonly ClusterNode[] | undefined => {
    if (raw === undefined || raw.trim() === "") return undefined;
    const nodes: ClusterNode[] = [];
    for (const [i, part] of raw.split(",").entries()) {
      const m = NODE.exec(part.trim());
      const port = Number(m?.[2]);
      if (!m?.[1] || port < 1 || port > 65_535) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${i + 1} is not host:port (port 1-65535); expected a comma-separated host:port list, e.g. 10.0.0.1:7000,10.0.0.2:7000`,
        });
        return z.NEVER;
      }
      nodes.push({ host: m[1], port });
    }
    return nodes;
  });
