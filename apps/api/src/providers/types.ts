import type { Bar } from "@scaleproof/core/bars/types";

/** How Databento should interpret `symbol`: `ES.c.0` is continuous, `ESZ3` a raw contract. */
export type SType = "continuous" | "raw_symbol" | "parent";

export interface GetRangeRequest {
  readonly dataset: string;
  readonly symbol: string;
  readonly stypeIn: SType;
  /** Inclusive start, nanoseconds since the UNIX epoch. */
  readonly start: bigint;
  /** Exclusive end, nanoseconds since the UNIX epoch. */
  readonly end: bigint;
}

export interface GetRangeResult {
  /** 1-minute bars in time order, prices as int64 fixed point (1e-9). */
  readonly bars: readonly Bar[];
  /** Bytes received from the upstream for this call (compressed size on the wire). */
  readonly bytesIn: number;
}

export interface DatasetRange {
  /** ISO 8601, inclusive. */
  readonly start: string;
  /** ISO 8601, exclusive. */
  readonly end: string;
}

/**
 * A source of real 1-minute bars. Every method rejects only with the typed errors of
 * `@scaleproof/core/bars/errors` (ProviderUnauthorized, ProviderBadRequest,
 * ProviderRateLimited, ProviderUnavailable).
 */
export interface BarsProvider {
  readonly name: "databento" | "replay";
  getRange(request: GetRangeRequest, signal?: AbortSignal): Promise<GetRangeResult>;
  getDatasetRange(dataset: string): Promise<DatasetRange>;
}
