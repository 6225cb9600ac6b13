import { HEADERS } from "@scaleproof/core/wire/headers";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Principal } from "../auth/tokens.ts";
import type { InstanceDeps } from "../deps.ts";
import { fieldProblems } from "../http/badRequest.ts";
import { toHttpFailure } from "../http/domainErrors.ts";
import { countShed, shedMessage } from "../http/shed.ts";
import type { ScaleTestCoordinator } from "../scaleTest/coordinator.ts";

export interface TrpcContext {
  readonly deps: InstanceDeps;
  readonly scaleTests: ScaleTestCoordinator;
  readonly headers: Headers;
  readonly principal: Principal;
}

const t = initTRPC.context<TrpcContext>().create({
  // Invalid input names its fields, for the CLI and the UI as for REST.
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: {
      ...shape.data,
      fields: error.cause instanceof ZodError ? fieldProblems(error.cause) : undefined,
    },
  }),
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

/** Ops: a bearer token with the admin role. 401 without (or unknown), 403 for another role. */
export const adminProcedure = t.procedure.use(({ ctx, next }) => {
  const p = ctx.principal;
  if (p.kind === "anonymous") {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "admin token required (Authorization: Bearer <token>)",
    });
  }
  if (p.kind === "invalid") throw new TRPCError({ code: "UNAUTHORIZED", message: "unknown token" });
  if (p.role !== "admin") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `this token has the ${p.role} role; ops need admin`,
    });
  }
  return next();
});

/** Heavy procedures (bars, enqueue) shed under memory pressure, like their REST twins. */
export const heavyProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (ctx.deps.shedder.state().shedding) {
    await countShed(ctx.deps, ctx.headers.get(HEADERS.run));
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `MEMORY_PRESSURE: ${shedMessage(ctx.deps)}`,
    });
  }
  return next();
});

const TRPC_CODE = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
} as const;

/** The tRPC edge: a domain error becomes a TRPCError with the same status as REST gives. */
export const asTrpcError = (error: unknown, deps: InstanceDeps): TRPCError => {
  if (error instanceof TRPCError) return error;
  const f = toHttpFailure(error);
  if (f.status === 500) deps.log.error({ err: error }, "unhandled error");
  return new TRPCError({
    code: TRPC_CODE[f.status],
    message: `${f.code}: ${f.message}`,
    cause: error,
  });
};
