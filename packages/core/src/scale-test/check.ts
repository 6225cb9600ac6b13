import type { Metrics, Notes, Series } from "./metrics/schema.ts";
import type { Check, CheckZone, Verdict } from "./schema.ts";

type Value = Check["actual"];

/** A check built from a predicate over the measured value, so `pass` can never disagree with `actual`. */
export const check = (
  step: string,
  name: string,
  expected: string,
  actual: Value,
  pass: (actual: Value) => boolean,
  detail?: string,
): Check => ({
  step,
  name,
  expected,
  actual,
  pass: pass(actual),
  ...(detail === undefined ? {} : { detail }),
});

/** A three-tier check: its zone was decided by the caller (a judge with PASS and FAIL lines). */
export const zoned = (
  step: string,
  name: string,
  expected: string,
  actual: Value,
  zone: CheckZone,
  detail?: string,
): Check => ({
  step,
  name,
  expected,
  actual,
  pass: zone === "pass",
  zone,
  ...(detail === undefined ? {} : { detail }),
});

/** A check's tier: its zone, or for a two-tier check pass/fail. */
export const zoneOf = (c: Check): CheckZone => c.zone ?? (c.pass ? "pass" : "fail");

export const equals = (want: Value) => (a: Value) => a === want;
export const atLeast = (min: number) => (a: Value) => typeof a === "number" && a >= min;
export const atMost = (max: number) => (a: Value) => typeof a === "number" && a <= max;

/** A judge's findings: checks, metrics (numbers with units), notes (sentences), series (charts). */
export interface ProfileResult {
  readonly checks: readonly Check[];
  readonly metrics: Metrics;
  readonly notes?: Notes;
  readonly series?: Series;
}

/**
 * FAIL if any check fails (or there is none: no evidence is not a PASS), else RISK if any
 * check is at risk, else PASS.
 */
export const verdictOf = (checks: readonly Check[]): Verdict => {
  const zones = checks.map(zoneOf);
  if (zones.length === 0 || zones.includes("fail")) return "FAIL";
  return zones.includes("risk") ? "RISK" : "PASS";
};

/** Several judges' findings as one, checks in order. */
export const combine = (...results: readonly ProfileResult[]): ProfileResult => ({
  checks: results.flatMap((r) => r.checks),
  metrics: Object.assign({}, ...results.map((r) => r.metrics)),
  notes: Object.assign({}, ...results.map((r) => r.notes)),
  series: Object.assign({}, ...results.map((r) => r.series)),
});
