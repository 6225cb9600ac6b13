/**
 * k6's threshold expressions (`p(95)<500`, `rate<0.01`, `avg<200`, `max<=3`, `count==0`,
 * `value<50`): an aggregation of a metric, an operator and a number. The text is what a run
 * stores; this is what a judge evaluates.
 */
export const OPERATORS = ["<=", ">=", "===", "==", "!=", "<", ">"] as const;
export type Operator = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** `p` stands for any percentile, `p(N)` with 0 <= N <= 100. */
export const AGGREGATION_KINDS = [
  "avg",
  "min",
  "max",
  "med",
  "count",
  "rate",
  "value",
  "p",
] as const;
export type AggregationKind = (typeof AGGREGATION_KINDS)[number];

export interface Threshold {
  /** The expression as written (trimmed). */
  readonly source: string;
  /** `avg`, `min`, `max`, `med`, `count`, `rate`, `value` or `p(N)`. */
  readonly aggregation: string;
  readonly kind: AggregationKind;
  /** For `p(N)`: N; else null. */
  readonly percentile: number | null;
  readonly operator: Operator;
  readonly value: number;
}

const PATTERN =
  /^(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

/** One expression, or why it is not one. */
export const parseThreshold = (text: string): Threshold | string => {
  const source = text.trim();
  const m = PATTERN.exec(source);
  if (m === null)
    return `not a k6 threshold expression: "${text}" (want e.g. "p(95)<500", "rate<0.01", "avg<200")`;
  const [, agg = "", pct, op = "", num = ""] = m;
  const percentile = pct === undefined ? null : Number(pct);
  if (percentile !== null && percentile > 100)
    return `"${text}": a percentile is between p(0) and p(100)`;
  const value = Number(num);
  // "1e999" reads as Infinity: no finite measurement compares meaningfully with it, and
  // JSON cannot carry it (the run's stored evidence would lose the line)
  if (!Number.isFinite(value)) return `"${text}": ${num} is not a finite number`;
  const kind = (percentile === null ? agg : "p") as AggregationKind;
  return {
    source,
    aggregation: percentile === null ? agg : `p(${percentile})`,
    kind,
    percentile,
    operator: (op === "===" ? "==" : op) as Operator,
    value,
  };
};

/** Does a measured value satisfy the expression? A value that could not be measured never does. */
export const holds = (t: Threshold, x: number | null): boolean => {
  if (x === null || !Number.isFinite(x)) return false;
  switch (t.operator) {
    case "<":
      return x < t.value;
    case "<=":
      return x <= t.value;
    case ">":
      return x > t.value;
    case ">=":
      return x >= t.value;
    case "==":
      return x === t.value;
    case "!=":
      return x !== t.value;
  }
};
