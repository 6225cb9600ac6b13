import { HEADERS } from "@scaleproof/core/wire/headers";
import type { MiddlewareHandler } from "hono";
import type { Identity } from "../instance/identity.ts";
import { VERSION } from "../instance/version.ts";

/** The headers every response carries: which instance, which boot, which build answered. */
export const identityHeaders = (identity: Identity) =>
  ({
    [HEADERS.appVersion]: VERSION,
    [HEADERS.bootId]: identity.bootId,
    [HEADERS.instanceId]: identity.instanceId,
  }) as const;

/** Responses built with the identity headers already in them (see `withIdentity`). */
const carriesIdentity = new WeakSet<Response>();

/**
 * A response whose headers were written once, identity included: the middleware leaves
 * it alone. Setting a header on a finished response makes the node adapter build a
 * Fetch `Headers` and turn it back into a record; on the bars HIT path that was a
 * measurable share of the instance's time per request (issue 17).
 */
export const withIdentity = (res: Response): Response => {
  carriesIdentity.add(res);
  return res;
};

/** Adds the identity headers to every response that does not carry them yet. */
export const stampIdentity =
  (identity: Identity): MiddlewareHandler =>
  async (c, next) => {
    await next();
    if (carriesIdentity.has(c.res)) return;
    c.res.headers.set(HEADERS.instanceId, identity.instanceId);
    c.res.headers.set(HEADERS.bootId, identity.bootId);
    c.res.headers.set(HEADERS.appVersion, VERSION);
  };
