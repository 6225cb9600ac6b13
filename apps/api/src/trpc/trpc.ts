import { initTRPC, TRPCError } from "@trpc/server";
import { adminProblem } from "../auth/admin.ts";
import type { Principal } from "../auth/tokens.ts";
import type { InstanceDeps } from "../deps.ts";
import { asTrpcError, formatError } from "../edge/trpc.ts";
import { runEvidenceOf } from "../http/evidence.ts";
import { countShed, sheddingNow, shedError } from "../http/shed.ts";
import { BUCKET_OF_PROCEDURE } from "../rateLimits/limiter.ts";
import type { ScaleTestCoordinator } from "../scaleTest/coordinator.ts";

export interface TrpcContext {
  readonly deps: InstanceDeps;
  readonly scaleTests: ScaleTestCoordinator;
  readonly headers: Headers;
  /** The HTTP request (a REST route's, when called from one): run evidence is verified on it. */
  readonly request: Request;
  readonly principal: Principal;
  /** The client's address, for per-client rate limits (see rateLimits/clientAddress.ts). */
  readonly client: string;
}

const t = initTRPC.context<TrpcContext>().create({
  // Never a stack or a driver's message to a client; invalid input names its fields.
  isDev: false,
  errorFormatter: formatError,
});

export const router = t.router;
/**
 * Every procedure passes the edge: a domain error or a dependency that is down, thrown
 * anywhere below, leaves as the TRPCError (status, code, Retry-After) REST would give.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && result.error.cause) {
    throw asTrpcError(result.error.cause);
  }
  return result;
});
export const createCallerFactory = t.createCallerFactory;

/** Ops: a bearer token with the admin role. 401 without (or unknown), 403 for another role. */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  const problem = adminProblem(ctx.principal);
  if (problem) throw new TRPCError({ code: problem.code, message: problem.message });
  return next();
});

/**
 * Heavy procedures (bars, enqueue) shed under memory pressure, like their REST twins,
 * read the run a request is evidence of (validated: 400 naming the header), and spend
 * the client's rate limit: each call of a batch counts (429 RATE_LIMITED beyond it).
 */
export const heavyProcedure = publicProcedure.use(async ({ ctx, next, path }) => {
  const run = await runEvidenceOf(ctx.deps, ctx.request);
  if (!run.ok)
    throw new TRPCError({ code: "BAD_REQUEST", message: "invalid input", cause: run.error });
  const bucket = BUCKET_OF_PROCEDURE[path];
  if (bucket) {
    const exempt = run.runId !== undefined || adminProblem(ctx.principal) === undefined;
    await ctx.deps.rateLimits
      .consume(bucket, { client: ctx.client, exempt })
      .catch((error: unknown) => {
        throw asTrpcError(error);
      });
  }
  if (sheddingNow(ctx.deps)) {
    await countShed(ctx.deps, run.runId);
    throw asTrpcError(shedError(ctx.deps));
  }
  return next({ ctx: { runId: run.runId } });
});
