import {
  ProviderBadRequest,
  ProviderRateLimited,
  ProviderUnauthorized,
  ProviderUnavailable,
} from "@scaleproof/core/bars/errors";
import type { ErrorCodec } from "../cache/sharedCache.ts";

/**
 * Provider errors travel to waiters through Redis. Transient ones are cached briefly
 * (a 429 for exactly its Retry-After), so a failing upstream sees one call per TTL, not
 * one per waiter. A rejected request (bad symbol) is published but never cached.
 */
export const providerErrorCodec = (errorTtlMs: number): ErrorCodec => ({
  encode(error) {
    if (error instanceof ProviderRateLimited) {
      return { payload: JSON.stringify(error), ttlMs: Math.max(1, error.retryAfterMs) };
    }
    if (error instanceof ProviderUnavailable || error instanceof ProviderUnauthorized) {
      return { payload: JSON.stringify(error), ttlMs: errorTtlMs };
    }
    if (error instanceof ProviderBadRequest) return { payload: JSON.stringify(error), ttlMs: 0 };
    const message = error instanceof Error ? error.message : String(error);
    return {
      payload: JSON.stringify({ _tag: "ProviderUnavailable", status: 0, message }),
      ttlMs: 0,
    };
  },
  decode(payload) {
    const e = JSON.parse(payload) as {
      _tag: string;
      status?: number;
      message?: string;
      retryAfterMs?: number;
    };
    const message = e.message ?? "provider error";
    switch (e._tag) {
      case "ProviderRateLimited":
        return new ProviderRateLimited({ retryAfterMs: e.retryAfterMs ?? 1000, message });
      case "ProviderUnauthorized":
        return new ProviderUnauthorized({ status: e.status ?? 401, message });
      case "ProviderBadRequest":
        return new ProviderBadRequest({ status: e.status ?? 422, message });
      default:
        return new ProviderUnavailable({ status: e.status ?? 0, message });
    }
  },
});
