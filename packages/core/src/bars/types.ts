/** Bar timeframes the API serves. 5m is aggregated from 1m (Databento has no ohlcv-5m). */
export const TIMEFRAMES = ["1m", "5m"] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_NS: Record<Timeframe, bigint> = {
  "1m": 60_000_000_000n,
  "5m": 300_000_000_000n,
};

/**
 * One OHLCV bar exactly as Databento records it: prices are int64 fixed point
 * (1 unit = 1e-9), `tsEvent` is the bar start in nanoseconds since the UNIX epoch.
 */
export interface Bar {
  readonly tsEvent: bigint;
  readonly open: bigint;
  readonly high: bigint;
  readonly low: bigint;
  readonly close: bigint;
  readonly volume: bigint;
  readonly instrumentId: number;
}

export const PRICE_SCALE = 1_000_000_000n;
