import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from "hdr-histogram-js";
import type { LatencySummary } from "./types.ts";

/** 1 µs .. 60 s at 3 significant digits: values are microseconds; larger ones are clamped. */
const HIGHEST_US = 60_000_000;

export const latencyHistogram = (): Histogram =>
  build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });

/** Records a duration given in (fractional) milliseconds. */
export const recordMs = (h: Histogram, ms: number): void => {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
};

const ms = (us: number) => us / 1000;

/** Percentiles in ms (HDR's value at each percentile: within 0.1 % of the recorded one). */
export const summariseLatency = (h: Histogram): LatencySummary => {
  const empty = h.totalCount === 0;
  const at = (p: number) => (empty ? 0 : ms(h.getValueAtPercentile(p)));
  return {
    count: h.totalCount,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    max: empty ? 0 : ms(h.maxValue),
    mean: empty ? 0 : ms(h.mean),
  };
};

/** The histogram as exported with a level (compressed base64 of HDR's V2 encoding). */
export const encodeLatency = (h: Histogram): string => encodeIntoCompressedBase64(h);

/** Reads an exported histogram back, so a verdict can be re-judged from the export alone. */
export const decodeLatency = (encoded: string): Histogram => decodeFromCompressedBase64(encoded);
