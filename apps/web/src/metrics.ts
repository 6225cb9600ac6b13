import type { Metrics } from "@scaleproof/core/scale-test/schema";

/**
 * A run's metric by name, also inside a full run (`cache/hit_rate_after_warmup`): the
 * first part that has it. Null when the run did not measure it.
 */
export const metricOf = (metrics: Metrics, key: string): Metrics[string] =>
  Object.entries(metrics).find(([name]) => name === key || name.endsWith(`/${key}`))?.[1] ?? null;
