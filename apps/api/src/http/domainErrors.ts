import {
  ProviderBadRequest,
  ProviderRateLimited,
  ProviderUnauthorized,
  ProviderUnavailable,
  RangeUnavailable,
  StampedeTimeout,
} from "@scaleproof/core/bars/errors";

export interface HttpFailure {
  readonly status: 400 | 404 | 500 | 502 | 503;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSec?: number;
}

/**
 * The one mapping from domain errors to HTTP, shared by the REST routes and tRPC.
 * Anything unknown is a defect: 500 with a generic message (details go to the log).
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
  return { status: 500, code: "INTERNAL", message: "internal error" };
};
