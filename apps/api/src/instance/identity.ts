import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";

export interface Identity {
  /** Stable for a machine: a changed bootId with the same instanceId is a restart. */
  readonly instanceId: string;
  /** New at every process start. */
  readonly bootId: string;
  readonly startedAt: Date;
}

/**
 * INSTANCE_ID wins when set (the local cluster sets one per slot). Otherwise Replit's
 * REPLIT_DEPLOYMENT_ID / REPL_ID, which name the deployment rather than the machine
 * (every autoscaled machine shares them), so the host name is appended to tell
 * machines apart; else a generated id.
 */
export const resolveIdentity = (env: {
  INSTANCE_ID?: string | undefined;
  REPLIT_DEPLOYMENT_ID?: string | undefined;
  REPL_ID?: string | undefined;
}): Identity => {
  const platform = env.REPLIT_DEPLOYMENT_ID ?? env.REPL_ID;
  const instanceId =
    env.INSTANCE_ID ??
    (platform ? `${platform}:${hostname()}` : `inst-${randomBytes(4).toString("hex")}`);
  return { instanceId, bootId: randomUUID(), startedAt: new Date() };
};
