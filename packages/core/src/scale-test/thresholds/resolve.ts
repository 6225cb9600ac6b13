import { holds, parseThreshold, type Threshold } from "./expression.ts";
import { type ThresholdMetricName, thresholdMetric } from "./registry.ts";

/** The thresholds a run set (its params' `thresholds`, validated): metric -> k6 expressions. */
export type ThresholdsSet = Readonly<Record<string, readonly string[]>>;

/** One metric's line in force for a run: what it set, else the seed default. */
export interface InForce {
  readonly name: ThresholdMetricName;
  readonly thresholds: readonly Threshold[];
  /** The run set it (false: the seed default). */
  readonly set: boolean;
}

const parsed = (text: string): Threshold => {
  const t = parseThreshold(text);
  if (typeof t === "string") throw new Error(`threshold refused after validation: ${t}`);
  return t;
};

export const inForce = (
  set: ThresholdsSet | undefined,
  name: ThresholdMetricName,
  quick = false,
): InForce => {
  const own = set?.[name];
  if (own !== undefined && own.length > 0) return { name, thresholds: own.map(parsed), set: true };
  const m = thresholdMetric(name);
  const d = quick && m?.quickDefault !== undefined ? m.quickDefault : (m?.default ?? null);
  return { name, thresholds: d === null ? [] : [parsed(d)], set: false };
};

/** `p(95)<500 (default)`, `p(95)<300, avg<150 (set)`, or `not gated`. */
export const describeInForce = (f: InForce): string =>
  f.thresholds.length === 0
    ? "not gated"
    : `${f.thresholds.map((t) => t.source).join(", ")} (${f.set ? "set" : "default"})`;

/** Every expression holds for the value its aggregation measures. */
export const allHold = (f: InForce, measure: (t: Threshold) => number | null): boolean =>
  f.thresholds.every((t) => holds(t, measure(t)));

/** The first expression's number (a line a judge draws), or null when none is in force. */
export const lineOf = (f: InForce): number | null => f.thresholds[0]?.value ?? null;

/** The line a run set for a metric (its first expression's number), or null when it set none. */
export const setLineOf = (set: ThresholdsSet | undefined, name: ThresholdMetricName) => {
  const f = inForce(set, name);
  return f.set ? lineOf(f) : null;
};
