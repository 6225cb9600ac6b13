import {
  ProviderBadRequest,
  ProviderRateLimited,
  ProviderUnauthorized,
  ProviderUnavailable,
  RangeUnavailable,
  StampedeTimeout,
} from "@scaleproof/core/bars/errors";
import { IdempotencyConflict } from "../backtests/errors.ts";
import { MemoryPressure } from "../memory/errors.ts";
import { dependencyDown } from "./dependencies.ts";

export interface HttpFailure {
  readonly status: 400 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503;
  /** A stable machine-readable code (`RANGE_UNAVAILABLE`, `REDIS_UNAVAILABLE`...). */
  readonly code: string;
  readonly message: string;
  readonly retryAfterSec?: number;
}

/** The generic answer for a defect: the details go to the log, never to the client. */
export const INTERNAL: HttpFailure = { status: 500, code: "INTERNAL", message: "internal error" };

/**
 * The one mapping from domain errors (and a dependency that is down) to HTTP, shared by
 * the REST routes and tRPC. Anything unknown is a defect: 500 with a generic message.
 */
export const toHttpFailure = (error: unknown): HttpFailure => {
  if (error instanceof RangeUnavailable) {
    return { status: 404, code: "RANGE_UNAVAILABLE", message: error.message };
  }
  if (error instanceof ProviderBadRequest) {
    return { status: 404, code: "NOT_FOUND_AT_PROVIDER", message: error.message };
  }
  if (error instanceof StampedeTimeout) {
    return {
      status: 503,
      code: "STAMPEDE_TIMEOUT",
      message: `waited ${error.waitedMs} ms for another request to fill ${error.cacheKey}`,
      retryAfterSec: 1,
    };
  }
  if (error instanceof ProviderRateLimited) {
    return {
      status: 503,
      code: "PROVIDER_RATE_LIMITED",
      message: error.message,
      retryAfterSec: Math.max(1, Math.ceil(error.retryAfterMs / 1000)),
    };
  }
  if (error instanceof ProviderUnauthorized) {
    return {
      status: 502,
      code: "PROVIDER_UNAUTHORIZED",
      message: "the market-data provider rejected our credentials",
    };
  }
  if (error instanceof ProviderUnavailable) {
    return { status: 502, code: "PROVIDER_UNAVAILABLE", message: error.message };
  }
  if (error instanceof MemoryPressure) {
    return {
      status: 503,
      code: "MEMORY_PRESSURE",
      message: error.message,
      retryAfterSec: error.retryAfterSec,
    };
  }
  if (error instanceof IdempotencyConflict) {
    return {
      status: 409,
      code: "IDEMPOTENCY_CONFLICT",
      message: `idempotency key ${error.idempotencyKey} already names job ${error.jobId} with other parameters`,
    };
  }
  const down = dependencyDown(error);
  if (down) {
    return {
      status: 503,
      code: down === "redis" ? "REDIS_UNAVAILABLE" : "DATABASE_UNAVAILABLE",
      message: `${down === "redis" ? "Redis" : "Postgres"} is unavailable; retry shortly`,
      retryAfterSec: 2,
    };
  }
  return INTERNAL;
};
