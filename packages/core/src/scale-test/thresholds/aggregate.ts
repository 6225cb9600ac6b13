import { percentile, round } from "../stats.ts";
import type { Threshold } from "./expression.ts";

/**
 * A trend metric's aggregation over its samples, as k6 computes it for `avg`, `min`,
 * `max`, `med`, `p(N)` and `count` (nearest-rank percentiles, as the judges always used),
 * rounded to 2 digits; null for no samples or an aggregation samples do not have.
 */
export const aggregate = (t: Threshold, samples: readonly number[]): number | null => {
  if (t.kind === "count") return samples.length;
  if (samples.length === 0) return null;
  const r = (n: number | null) => (n === null ? null : round(n));
  switch (t.kind) {
    case "avg":
      return r(samples.reduce((a, b) => a + b, 0) / samples.length);
    case "min":
      return r(Math.min(...samples));
    case "max":
      return r(Math.max(...samples));
    case "med":
      return r(percentile(samples, 50));
    case "p":
      return r(percentile(samples, t.percentile ?? 0));
    default:
      return null;
  }
};
