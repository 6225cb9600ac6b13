import { setLineOf, type ThresholdsSet } from "../../thresholds/resolve.ts";
import { SEED_ERROR_FAIL_PCT, SEED_ERROR_PASS_PCT } from "./defaults.ts";
import type { LoadParams } from "./params.ts";

const pct = (rate: number) => Number((rate * 100).toPrecision(12));

/**
 * The k6 thresholds the load profile maps onto its gates (they win over `load.*`):
 * `load.error_rate` `rate<=0.01` is the FAIL line `errorFailPct: 1` (the RISK line,
 * `errorPassPct`, is kept at or below it); `load.latency_ms` `p(95)<N` is every ladder
 * level's p95 gate. Not set: the `load` params, else the seed.
 */
export const errorGatesOf = (p: LoadParams, thresholds: ThresholdsSet | undefined) => {
  const rate = setLineOf(thresholds, "load.error_rate");
  const errorPassPct = p.errorPassPct ?? SEED_ERROR_PASS_PCT;
  if (rate === null) return { errorPassPct, errorFailPct: p.errorFailPct ?? SEED_ERROR_FAIL_PCT };
  const fail = pct(rate);
  return { errorPassPct: Math.min(errorPassPct, fail), errorFailPct: fail };
};

/** Every ladder level's p95 gate when `load.latency_ms` is set, else null. */
export const p95LineOf = (thresholds: ThresholdsSet | undefined): number | null =>
  setLineOf(thresholds, "load.latency_ms");
