import { initTRPC, TRPCError } from "@trpc/server";
import { toHttpFailure } from "../http/domainErrors.ts";
import type { InstanceDeps } from "../instance/deps.ts";

export interface TrpcContext {
  readonly deps: InstanceDeps;
  readonly headers: Headers;
}

const t = initTRPC.context<TrpcContext>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

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
