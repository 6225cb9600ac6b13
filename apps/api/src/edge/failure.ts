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
import { RateLimited } from "../rateLimits/errors.ts";
import { IngestBacklogged, SnapshotConflict } from "../snapshots/errors.ts";
import {
  ChunkConflict,
  UploadFinalized,
  UploadInvalid,
  UploadNotFound,
  UploadTooLarge,
} from "../uploads/errors.ts";
import { QueueFull } from "../workers/errors.ts";
import { dependencyDown } from "./dependencies.ts";

export interface HttpFailure {
  readonly status: 400 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503;
  /** A stable machine-readable code (`RANGE_UNAVAILABLE`, `REDIS_UNAVAILABLE`...). */
  readonly code: string;
  readonly message: string;
  readonly retryAfterSec?: number;
  /** Machine-readable specifics, beside code and message (`ids`, `fields`, `limit`). */
  readonly details?: Record<string, unknown>;
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
  if (error instanceof QueueFull) {
    return {
      status: 429,
      code: "QUEUE_FULL",
      message: `${error.pending} jobs are pending (queued or running); the cap is ${error.cap}`,
      retryAfterSec: error.retryAfterSec,
      details: { pending: error.pending, cap: error.cap },
    };
  }
  if (error instanceof RateLimited) {
    return {
      status: 429,
      code: "RATE_LIMITED",
      message: `at most ${error.limit} ${error.what} per ${error.windowSec} s per client; retry after ${error.retryAfterSec} s`,
      retryAfterSec: error.retryAfterSec,
      details: { limit: error.limit, windowSec: error.windowSec },
    };
  }
  if (error instanceof SnapshotConflict) {
    return {
      status: 409,
      code: "SNAPSHOT_CONFLICT",
      message: "snapshot ids already stored with other content; nothing of this call was stored",
      details: { ids: error.ids },
    };
  }
  if (error instanceof IngestBacklogged) {
    return {
      status: 503,
      code: "INGEST_BACKLOGGED",
      message: `${error.bufferedRows} snapshots wait to be flushed on this instance`,
      retryAfterSec: error.retryAfterSec,
    };
  }
  if (error instanceof UploadNotFound) {
    return { status: 404, code: "NOT_FOUND", message: `no upload ${error.uploadId}` };
  }
  if (error instanceof UploadTooLarge) {
    return {
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      message: `the ${error.what} is over ${error.limit} bytes`,
      details: { limit: error.limit },
    };
  }
  if (error instanceof ChunkConflict) {
    return {
      status: 409,
      code: "CHUNK_CONFLICT",
      message: `chunk ${error.n} of upload ${error.uploadId} is stored with other bytes`,
      details: { n: error.n, storedSha256: error.storedSha256, sentSha256: error.sentSha256 },
    };
  }
  if (error instanceof UploadFinalized) {
    return {
      status: 409,
      code: "UPLOAD_FINALIZED",
      message: `upload ${error.uploadId} is finalized and takes no new chunks`,
    };
  }
  if (error instanceof UploadInvalid) {
    return {
      status: 422,
      code: "UPLOAD_INVALID",
      message: `upload ${error.uploadId} does not add up`,
      details: { fields: error.fields },
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
