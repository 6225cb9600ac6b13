import { z } from "zod";

/**
 * Units a metric's key ends in: `latency.p95_ms`, `load.capacity_per_instance_rps`,
 * `leak.i2.heap_mb_per_h`. Longest first, so `_mb_per_h` is read before `_h`-less `_mb`.
 */
export const METRIC_UNITS = [
  "kb_per_1k_requests",
  "mb_per_h",
  "per_s",
  "mb_s",
  "count",
  "ratio",
  "bytes",
  "pct",
  "rps",
  "ms",
  "kb",
  "mb",
  "s",
] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

const UNIT_SUFFIX = new RegExp(`_(${METRIC_UNITS.join("|")})$`);

/** The unit a metric's key names, or null when it names none. */
export const unitOf = (key: string): MetricUnit | null =>
  (UNIT_SUFFIX.exec(key)?.[1] as MetricUnit | undefined) ?? null;

export const metricKey = z
  .string()
  .regex(UNIT_SUFFIX, `a metric's key ends in its unit (_${METRIC_UNITS.join(", _")})`);

/**
 * What a run measured: finite numbers only, each key ending in its unit. Not measured is
 * the metric's absence (and a note saying why), never a string or null in its place.
 */
export const metrics = z.record(metricKey, z.number());
export type Metrics = z.infer<typeof metrics>;

/**
 * Sentences a run states next to its numbers, by key: why a figure was not measured
 * (`redis_restart: not measured: ...`), what was armed, which instance was the victim,
 * the capacity statement. Read by people, never compared as numbers.
 */
export const notes = z.record(z.string(), z.string());
export type Notes = z.infer<typeof notes>;

/**
 * Tables and time series for charts, each encoded as a string by its own codec: a load
 * level's row (`load.level.<name>`, JSON), the zone bounds (`load.zone_bounds`, JSON),
 * `*_over_time` series (timeSeries.ts).
 */
export const series = z.record(z.string(), z.string());
export type Series = z.infer<typeof series>;

/**
 * One reading as a run publishes it while it runs (metric, note or series: the run's
 * live record mixes them); older runs stored booleans and nulls there too.
 */
export const reading = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type Reading = z.infer<typeof reading>;
export const readings = z.record(z.string(), reading);
export type Readings = z.infer<typeof readings>;
