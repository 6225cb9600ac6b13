import { fieldProblems } from "@scaleproof/core/wire/fieldProblems";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { type HttpFailure, INTERNAL, toHttpFailure } from "./failure.ts";

const TRPC_CODE: Record<HttpFailure["status"], TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
};

/** Carries the domain's HTTP answer inside a TRPCError, so REST and tRPC say the same. */
class EdgeFailure extends Error {
  readonly failure: HttpFailure;
  constructor(failure: HttpFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** The tRPC edge: a domain error becomes a TRPCError with the status and code REST gives. */
export const asTrpcError = (error: unknown): TRPCError => {
  if (error instanceof TRPCError) return error;
  const f = toHttpFailure(error);
  return new TRPCError({
    code: TRPC_CODE[f.status],
    message: f.message,
    cause: f === INTERNAL ? error : new EdgeFailure(f),
  });
};

/** The domain answer a TRPCError carries, if it came from a domain error. */
export const failureOf = (error: TRPCError): HttpFailure | undefined =>
  error.cause instanceof EdgeFailure ? error.cause.failure : undefined;

/**
 * What a client sees of an error: the code, a message, the offending fields; never a
 * stack, a file path or a driver's message (a defect says only "internal error").
 */
export const formatError = ({
  shape,
  error,
}: {
  shape: {
    message: string;
    code: number;
    data: { code: string; httpStatus: number; path?: string };
  };
  error: TRPCError;
}) => {
  const domain = failureOf(error);
  const internal = error.code === "INTERNAL_SERVER_ERROR" && !domain;
  return {
    message: internal ? INTERNAL.message : shape.message,
    code: shape.code,
    data: {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      ...(shape.data.path ? { path: shape.data.path } : {}),
      appCode: domain?.code ?? (internal ? INTERNAL.code : shape.data.code),
      ...domain?.details,
      ...(domain?.retryAfterSec !== undefined ? { retryAfterSec: domain.retryAfterSec } : {}),
      ...(error.cause instanceof ZodError ? { fields: fieldProblems(error.cause) } : {}),
    },
  };
};

/** Retry-After on a tRPC response whose error says when to come back. */
export const retryAfterOf = (errors: readonly TRPCError[]): number | undefined => {
  const waits = errors.flatMap((e) => failureOf(e)?.retryAfterSec ?? []);
  return waits.length > 0 ? Math.max(...waits) : undefined;
};
