import type { Context, MiddlewareHandler, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { adminProblem } from "../auth/admin.ts";
import type { tokenAuthenticator } from "../auth/tokens.ts";

/** Request-body limits per route: nothing here needs more, and a huge body is an attack. */
export const BODY_LIMITS = {
  /** A backtest or a run request: a few hundred bytes. */
  json: 16 * 1024,
  /** tRPC: a batch of small inputs. */
  trpc: 64 * 1024,
} as const;

/**
 * 413 with the limit, decided from Content-Length before anything is read, or while
 * streaming a chunked body (it stops reading at the limit): a body is never buffered whole.
 */
export const limitBody = (maxSize: number): MiddlewareHandler =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(
        {
          error: {
            code: "PAYLOAD_TOO_LARGE",
            message: `the request body is over ${maxSize} bytes`,
            limit: maxSize,
          },
        },
        413,
      ),
  });

/** The most calls one tRPC batch may carry (larger batches get a 400). */
export const TRPC_MAX_BATCH = 10;

/** Admin-only routes check the bearer token before anything reads the request body. */
export const adminOnly =
  (authenticate: ReturnType<typeof tokenAuthenticator>) => async (c: Context, next: Next) => {
    const problem = adminProblem(authenticate(c.req.header("authorization")));
    if (!problem) return next();
    return c.json({ error: { code: problem.code, message: problem.message } }, problem.status);
  };
