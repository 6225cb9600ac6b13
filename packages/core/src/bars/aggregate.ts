import type { Bar } from "./types.ts";

/**
 * Aggregates bars into buckets of `bucketNs` (5m from 1m, as Databento has no ohlcv-5m):
 * open of the first bar, high max, low min, close of the last bar, volume summed. A
 * bucket starts at floor(tsEvent / bucketNs) * bucketNs (epoch-aligned, like Databento's
 * own bars), and a bucket without input bars is absent: no trades, no bar, never a
 * synthetic flat one.
 *
 * Input is expected in time order (providers guarantee it). Unordered input is not an
 * error: it is sorted first (stable, so equal timestamps keep their order), because
 * silently merging bars into the wrong open/close would be worse than the O(n log n).
 *
 * A bucket carries the instrumentId of its first bar. Databento's continuous symbols
 * change instrument only at a UTC day boundary, which epoch-aligned buckets dividing a
 * day never straddle, so in practice a bucket holds one instrument.
 *
 * Pure: the input is not modified.
 */
export const aggregateBars = (bars: readonly Bar[], bucketNs: bigint): Bar[] => {
  if (bucketNs <= 0n) throw new RangeError(`bucketNs must be positive, got ${bucketNs}`);
  const ordered = isTimeOrdered(bars) ? bars : [...bars].sort(byTime);
  const out: Bar[] = [];
  let current: Mutable<Bar> | undefined;
  for (const bar of ordered) {
    const start = bucketStart(bar.tsEvent, bucketNs);
    if (current && current.tsEvent === start) {
      if (bar.high > current.high) current.high = bar.high;
      if (bar.low < current.low) current.low = bar.low;
      current.close = bar.close;
      current.volume += bar.volume;
    } else {
      current = { ...bar, tsEvent: start };
      out.push(current);
    }
  }
  return out;
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Floor division, correct for negative timestamps too (BigInt `/` truncates toward 0). */
const bucketStart = (ts: bigint, bucketNs: bigint): bigint => {
  const rem = ts % bucketNs;
  return rem < 0n ? ts - rem - bucketNs : ts - rem;
};

const isTimeOrdered = (bars: readonly Bar[]): boolean => {
  for (let i = 1; i < bars.length; i++) {
    if ((bars[i] as Bar).tsEvent < (bars[i - 1] as Bar).tsEvent) return false;
  }
  return true;
};

const byTime = (a: Bar, b: Bar): number =>
  a.tsEvent < b.tsEvent ? -1 : a.tsEvent > b.tsEvent ? 1 : 0;
