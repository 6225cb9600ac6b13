import type { AggregationKind, Operator } from "./expression.ts";

/**
 * Every gate a run is judged against, as a k6 threshold metric: its seed default, unit,
 * the aggregations it has, and the judge and checks that read it. Set one in the run
 * input's `thresholds` (`{"cache.hit_rate": ["rate>=0.95"]}`) to tighten or loosen it.
 */
export interface ThresholdMetric {
  readonly name: string;
  readonly unit: string;
  /** Aggregations this metric has: a kind (`p`: any percentile) or one exact `p(95)`. */
  readonly aggregations: readonly (AggregationKind | `p(${number})`)[];
  /** Operators that make sense for it (a line the judge draws): all when absent. */
  readonly operators?: readonly Operator[];
  /** The seed's expression (null: no single default, see `note`); `quick` when a quick run differs. */
  readonly default: string | null;
  readonly quickDefault?: string | null;
  /** The profile whose judge reads it. */
  readonly judge: "cache" | "memory" | "streams" | "load" | "db" | "ingest" | "uploads";
  /** The checks it gates. */
  readonly checks: readonly string[];
  readonly description: string;
}

const BELOW: readonly Operator[] = ["<", "<="];
const LATENCY: ThresholdMetric["aggregations"] = ["avg", "min", "max", "med", "p"];

export const THRESHOLD_METRICS = [
  {
    name: "cache.hit_rate",
    unit: "ratio (0-1)",
    aggregations: ["rate"],
    default: "rate>=0.9",
    judge: "cache",
    checks: ["cache.hit_rate_after_warmup"],
    description: "Redis hits / (hits + misses) after the warm-up",
  },
  {
    name: "memory.latency_ms",
    unit: "ms",
    aggregations: LATENCY,
    default: "p(95)<=500",
    judge: "memory",
    checks: ["latency.p95_within_target"],
    description: "served request time in the soak's mixed workload",
  },
  {
    name: "memory.leak_mb_per_h",
    unit: "MB/h",
    aggregations: ["value"],
    operators: BELOW,
    default: "value<=50",
    quickDefault: "value<=60",
    judge: "memory",
    checks: ["memory.leak.heap", "memory.leak.off_heap", "memory.leak.rss"],
    description: "FAIL line: a window whose growth's 95% lower bound is above it FAILs",
  },
  {
    name: "memory.leak_pass_mb_per_h",
    unit: "MB/h",
    aggregations: ["value"],
    operators: BELOW,
    default: "value<10",
    quickDefault: null,
    judge: "memory",
    checks: ["memory.leak.heap", "memory.leak.off_heap", "memory.leak.rss"],
    description: "PASS line: every window's 95% upper bound below it for PASS (RISK between)",
  },
  {
    name: "streams.events_per_stream",
    unit: "events",
    aggregations: ["min"],
    default: "min>=2",
    judge: "streams",
    checks: ["streams.delivered"],
    description: "events each stream saw (the view on connect, then changes)",
  },
  {
    name: "streams.heap_per_connection_bytes",
    unit: "bytes",
    aggregations: ["max"],
    default: "max<=262144",
    judge: "streams",
    checks: ["streams.heap_per_connection"],
    description: "post-GC heap growth per held connection over the hold, worst instance",
  },
  {
    name: "streams.queries_per_subscriber",
    unit: "queries/s",
    aggregations: ["value"],
    default: "value<=0.25",
    judge: "streams",
    checks: ["streams.queries_per_subscriber"],
    description: "extra Postgres queries per second per subscriber",
  },
  {
    name: "load.error_rate",
    unit: "ratio (0-1)",
    aggregations: ["rate"],
    operators: BELOW,
    default: "rate<=0.01",
    judge: "load",
    checks: ["load.<level>.errors"],
    description:
      "service errors / requests per level: FAIL above it, RISK from load.errorPassPct (sets load.errorFailPct)",
  },
  {
    name: "load.latency_ms",
    unit: "ms",
    aggregations: ["p(95)"],
    operators: ["<"],
    default: null,
    judge: "load",
    checks: ["load.<rate>rps.p95"],
    description:
      "every ladder level's p95 gate (sets load.p95Ms; seed per level: 50, 75, 150, 300 ms)",
  },
  {
    name: "db.creation_latency_ms",
    unit: "ms",
    aggregations: ["p(95)"],
    operators: ["<"],
    default: "p(95)<500",
    judge: "db",
    checks: ["creations.p95_ms"],
    description: "backtest creation burst, p95 (sets db.creationP95Ms)",
  },
  {
    name: "db.cold_read_latency_ms",
    unit: "ms",
    aggregations: ["p(95)"],
    operators: ["<"],
    default: "p(95)<800",
    judge: "db",
    checks: ["cold_reads.p95_ms"],
    description: "cold bars reads at once, p95 (sets db.coldReadP95Ms)",
  },
  {
    name: "ingest.flush_lag_ms",
    unit: "ms",
    aggregations: ["p(95)"],
    operators: BELOW,
    default: "p(95)<=500",
    judge: "ingest",
    checks: ["ingest.level_<rate>.flush_lag_p95_ms"],
    description: "each level's flush lag p95 over every instance (sets ingest.flushLagP95Ms)",
  },
  {
    name: "ingest.buffer_rows",
    unit: "rows",
    aggregations: ["max"],
    operators: BELOW,
    default: "max<=500",
    judge: "ingest",
    checks: ["ingest.level_<rate>.buffer_max_rows"],
    description: "rows waiting in one instance's buffer (sets ingest.bufferMaxRows)",
  },
  {
    name: "uploads.soak_failure_rate",
    unit: "ratio (0-1)",
    aggregations: ["rate"],
    operators: BELOW,
    default: "rate<=0.05",
    judge: "uploads",
    checks: ["uploads.soak.failures_pct"],
    description: "failed uploads / uploads in the soak (sets uploads.soakFailurePct)",
  },
] as const satisfies readonly ThresholdMetric[];

export type ThresholdMetricName = (typeof THRESHOLD_METRICS)[number]["name"];

export const thresholdMetric = (name: string): ThresholdMetric | undefined =>
  THRESHOLD_METRICS.find((m) => m.name === name);
