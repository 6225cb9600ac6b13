import type { Readings } from "@scaleproof/core/scale-test/schema";

/**
 * A run's metric by name, also inside a full run (`cache/hit_rate_after_warmup_ratio`):
 * the first part that has it, as a number. Null when the run did not measure it.
 */
export const metricOf = (metrics: Readings, key: string): number | null => {
  const v = Object.entries(metrics).find(([name]) => name === key || name.endsWith(`/${key}`))?.[1];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};
