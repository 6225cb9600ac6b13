import { z } from "zod";
import { parseThreshold } from "./expression.ts";
import { THRESHOLD_METRICS, type ThresholdMetric, thresholdMetric } from "./registry.ts";

const known = THRESHOLD_METRICS.map((m) => m.name).join(", ");

/** Why an expression cannot gate this metric (an aggregation or operator it does not have), or null. */
export const misfit = (metric: ThresholdMetric, text: string): string | null => {
  const t = parseThreshold(text);
  if (typeof t === "string") return t;
  const aggs: readonly string[] = metric.aggregations;
  if (!aggs.includes(t.kind) && !aggs.includes(t.aggregation))
    return `"${t.source}": ${metric.name} has no ${t.aggregation} (it has ${aggs.map((a) => (a === "p" ? "p(N)" : a)).join(", ")})`;
  if (metric.operators && !metric.operators.includes(t.operator))
    return `"${t.source}": ${metric.name} takes ${metric.operators.join(" or ")} (a line its judge draws)`;
  return null;
};

/**
 * The run input's `thresholds`, in k6's syntax: a metric of the registry -> its expressions
 * (`{"cache.hit_rate": ["rate>=0.95"], "memory.latency_ms": ["p(95)<300", "avg<150"]}`).
 * Stored as written; every expression is parsed here, so a bad one is refused with its
 * field (`thresholds.<metric>.<i>`) before anything runs.
 */
export const thresholdsInput = z
  .record(z.string(), z.array(z.string()).min(1).max(8))
  .superRefine((record, ctx) => {
    for (const [name, exprs] of Object.entries(record)) {
      const metric = thresholdMetric(name);
      if (metric === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `unknown threshold metric "${name}" (known: ${known})`,
        });
        continue;
      }
      exprs.forEach((text, i) => {
        const problem = misfit(metric, text);
        if (problem !== null) ctx.addIssue({ code: "custom", path: [name, i], message: problem });
      });
    }
  });
export type ThresholdsInput = z.input<typeof thresholdsInput>;

/** The thresholds a stored run set (its parameters' `thresholds`), or undefined. */
export const thresholdsOfParams = (params: Readonly<Record<string, unknown>>) => {
  const r = thresholdsInput.optional().safeParse(params.thresholds);
  return r.success ? r.data : undefined;
};
