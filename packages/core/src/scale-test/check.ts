import type { Check, Metrics, Verdict } from "./schema.ts";

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

export const equals = (want: Value) => (a: Value) => a === want;
export const atLeast = (min: number) => (a: Value) => typeof a === "number" && a >= min;
export const atMost = (max: number) => (a: Value) => typeof a === "number" && a <= max;

export interface ProfileResult {
  readonly checks: readonly Check[];
  readonly metrics: Metrics;
}

/** PASS only when there is at least one check and every check passed: no evidence is not a PASS. */
export const verdictOf = (checks: readonly Check[]): Verdict =>
  checks.length > 0 && checks.every((c) => c.pass) ? "PASS" : "FAIL";

/** Several judges' findings as one, checks in order. */
export const combine = (...results: readonly ProfileResult[]): ProfileResult => ({
  checks: results.flatMap((r) => r.checks),
  metrics: Object.assign({}, ...results.map((r) => r.metrics)),
});
