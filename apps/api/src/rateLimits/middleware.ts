import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, Next } from "hono";
import { adminProblem } from "../auth/admin.ts";
import type { tokenAuthenticator } from "../auth/tokens.ts";
import type { InstanceDeps } from "../deps.ts";
import { sendFailure } from "../edge/rest.ts";
import { isSignedRunTraffic } from "../http/evidence.ts";
import type { Bucket } from "./limiter.ts";

const peerOf = (c: Context): string | undefined => {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by the node server (an in-process request)
  }
};

/** The client a request comes from (its address, through trusted proxies only). */
export const clientOf = (deps: InstanceDeps, c: Context): string =>
  deps.rateLimits.clientOf(peerOf(c), c.req.header("x-forwarded-for"));

/**
 * REST guard for an expensive route: `429 RATE_LIMITED` with Retry-After once the client
 * has used up the bucket. Admin-token requests and signed run traffic pass freely.
 */
export const limitRate =
  (deps: InstanceDeps, bucket: Bucket, authenticate: ReturnType<typeof tokenAuthenticator>) =>
  async (c: Context, next: Next) => {
    const exempt =
      !adminProblem(authenticate(c.req.header("authorization"))) ||
      isSignedRunTraffic(deps, c.req.raw);
    try {
      await deps.rateLimits.consume(bucket, { client: clientOf(deps, c), exempt });
    } catch (error) {
      return sendFailure(c, deps.log, error);
    }
    return next();
  };
