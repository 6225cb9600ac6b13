import type { Context } from "hono";
import type { tokenAuthenticator } from "../auth/tokens.ts";
import type { InstanceDeps } from "../deps.ts";
import { clientOf } from "../rateLimits/middleware.ts";
import type { ScaleTestCoordinator } from "../scaleTest/coordinator.ts";
import { appRouter } from "../trpc/root.ts";
import { createCallerFactory } from "../trpc/trpc.ts";

const createCaller = createCallerFactory(appRouter);

export interface RestContext {
  readonly deps: InstanceDeps;
  readonly scaleTests: ScaleTestCoordinator;
  readonly authenticate: ReturnType<typeof tokenAuthenticator>;
}

/** The tRPC procedures, called from a REST route with that request's headers and principal. */
export const procedures = (ctx: RestContext, c: Context) =>
  createCaller({
    deps: ctx.deps,
    scaleTests: ctx.scaleTests,
    headers: c.req.raw.headers,
    request: c.req.raw,
    principal: ctx.authenticate(c.req.header("authorization")),
    client: clientOf(ctx.deps, c),
  });
