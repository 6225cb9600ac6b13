import { z } from "zod";
import { round } from "../../stats.ts";
import type { LevelEvidence } from "./evidence.ts";
import type { GateOutcome } from "./gates.ts";
import type { Readings } from "./signals.ts";
import { SIGNALS, type ZoneBounds } from "./zones.ts";

/**
 * One level as a run reports it: a metric `load.level.<name>` holding this row as JSON,
 * published when the level starts (`running`) and again when it is judged, so the UI
 * shows the ladder live and the export carries every level (its histogram included).
 */
const zone = z.enum(["STABLE", "RISK", "FAIL"]);
const reading = z.object({
  value: z.number().nullable(),
  zone: zone.nullable(),
  instance: z.string().nullable(),
  note: z.string().nullable(),
});

export const levelRow = z.object({
  seq: z.number().int(),
  name: z.string(),
  kind: z.enum(["baseline", "ladder", "sustained", "recovery", "capacity"]),
  status: z.enum(["running", "judged"]),
  offeredRps: z.number(),
  durationS: z.number(),
  /** Gates: achieved/offered at least, p95 below, error rate PASS below / FAIL above. */
  gate: z.object({
    achievedPct: z.number(),
    p95Ms: z.number(),
    errorPassPct: z.number(),
    errorFailPct: z.number(),
  }),
  achievedRps: z.number().nullable(),
  achievedPct: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
  errorPct: z.number().nullable(),
  counts: z.record(z.string(), z.number()).nullable(),
  statuses: z.record(z.string(), z.number()).nullable(),
  lagP95Ms: z.number().nullable(),
  lagP99Ms: z.number().nullable(),
  /** Answers per instance. */
  instances: z.record(z.string(), z.number()).nullable(),
  verdict: z.enum(["PASS", "RISK", "FAIL", "RUNNER"]).nullable(),
  failed: z.array(z.string()),
  runner: z.string().nullable(),
  zones: z.record(z.string(), reading).nullable(),
  /** HDR latency histogram (µs, compressed base64) for re-judging. */
  histogram: z.string().nullable(),
});
export type LevelRow = z.infer<typeof levelRow>;

export const LEVEL_METRIC = "load.level.";

const r = (n: number, digits = 2) => round(n, digits);

/** The row of a level that is running (what is planned, nothing measured yet). */
export const runningRow = (seq: number, level: LevelEvidence["level"]): LevelRow => ({
  seq,
  name: level.name,
  kind: level.kind,
  status: "running",
  offeredRps: level.rate,
  durationS: level.durationMs / 1000,
  gate: level.gate,
  achievedRps: null,
  achievedPct: null,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  maxMs: null,
  errorPct: null,
  counts: null,
  statuses: null,
  lagP95Ms: null,
  lagP99Ms: null,
  instances: null,
  verdict: null,
  failed: [],
  runner: null,
  zones: null,
  histogram: null,
});

/** The row of a judged level. */
export const judgedRow = (
  seq: number,
  ev: LevelEvidence,
  gates: GateOutcome,
  readings: Readings,
): LevelRow => {
  const m = ev.measure;
  return {
    ...runningRow(seq, ev.level),
    status: "judged",
    achievedRps: r(m.achievedRate),
    achievedPct: gates.achievedPct,
    p50Ms: m.latencyMs.count ? r(m.latencyMs.p50) : null,
    p95Ms: m.latencyMs.count ? r(m.latencyMs.p95) : null,
    p99Ms: m.latencyMs.count ? r(m.latencyMs.p99) : null,
    maxMs: m.latencyMs.count ? r(m.latencyMs.max) : null,
    errorPct: gates.errorPct,
    counts: { ...m.counts },
    statuses: { ...m.statuses },
    lagP95Ms: r(m.scheduleLagMs.p95),
    lagP99Ms: r(m.scheduleLagMs.p99),
    instances: Object.fromEntries(
      Object.entries(m.byInstance)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([i, t]) => [i, t.answered]),
    ),
    verdict: gates.verdict,
    failed: [...gates.failed],
    runner: gates.runner,
    zones: Object.fromEntries(SIGNALS.map((s) => [s, readings[s]])),
    histogram: m.histogram || null,
  };
};

/** The metric a row is published as. */
export const rowMetric = (row: LevelRow): [string, string] => [
  `${LEVEL_METRIC}${row.name}`,
  JSON.stringify(row),
];

/** The run's zone bounds, as a metric (JSON), for the zone table's legend. */
export const ZONE_BOUNDS_METRIC = "load.zone_bounds";

export const zoneBoundsOf = (metrics: Readonly<Record<string, unknown>>): ZoneBounds | null => {
  const v = metrics[ZONE_BOUNDS_METRIC];
  if (typeof v !== "string") return null;
  try {
    const parsed = z
      .record(z.string(), z.object({ risk: z.number(), fail: z.number() }))
      .safeParse(JSON.parse(v));
    return parsed.success ? (parsed.data as ZoneBounds) : null;
  } catch {
    return null;
  }
};

/** A run's level rows from its metrics, in the order they ran; unreadable ones are skipped. */
export const levelRowsOf = (metrics: Readonly<Record<string, unknown>>): LevelRow[] =>
  Object.entries(metrics)
    .filter(([k, v]) => k.startsWith(LEVEL_METRIC) && typeof v === "string")
    .flatMap(([, v]) => {
      try {
        const parsed = levelRow.safeParse(JSON.parse(v as string));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.seq - b.seq);
