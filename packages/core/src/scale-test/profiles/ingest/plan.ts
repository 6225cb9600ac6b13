import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";
import { setLineOf } from "../../thresholds/resolve.ts";

/** Seed 001's ladder (snapshots/s) and its per-level gate: acknowledged / offered at least. */
export const SEED_INGEST_LEVELS = [5, 10, 25, 50] as const;
export const SEED_INGEST_ACHIEVED_PCT = [96, 95, 92, 90] as const;

const S = 1_000;
/** Full mode: seed 001's 3-minute levels; quick mode: every level still runs, 5 s each. */
const FULL_LEVEL_MS = 180 * S;
const QUICK_LEVEL_MS = 5 * S;
/** Our bounds (the seed names none): a flush lag p95 and a buffer depth that say flushes keep up. */
export const DEFAULT_FLUSH_LAG_P95_MS = 500;
export const DEFAULT_BUFFER_MAX_ROWS = 500;
/**
 * An acknowledgement counts for its level when it came within this of the snapshot's
 * intended send time, retries included (the load engine's answer timeout).
 */
export const ACK_TIMEOUT_MS = 10 * S;
/** After the ladder, every instance's buffer must have drained within this before rows are read. */
export const DRAIN_WAIT_MS = 30 * S;
/** The killed instance must be back (a new boot id) within this after its level. */
export const RESTART_WAIT_MS = 60 * S;

export interface IngestLevel {
  readonly index: number;
  /** Offered snapshots per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Gate: acknowledged / offered at least this %. */
  readonly gatePct: number;
}

export interface IngestSettings {
  readonly levels: readonly IngestLevel[];
  readonly flushLagP95Ms: number;
  readonly bufferMaxRows: number;
  readonly crash: boolean;
  /** The level whose middle the crash comes in. */
  readonly crashLevel: number;
  /** How often each instance's stats are sampled. */
  readonly sampleEveryMs: number;
  /** Stored rows are read until their count holds for this long (a flush still due lands). */
  readonly settleMs: number;
}

/** The run's ladder and bounds: the params where given, else the seed's (quick: shorter levels). */
export const ingestSettings = (params: RunParams): IngestSettings => {
  const p = params.ingest ?? {};
  const rates = p.levels ?? SEED_INGEST_LEVELS;
  const levelMs =
    p.levelDurationS !== undefined
      ? p.levelDurationS * S
      : params.quick
        ? QUICK_LEVEL_MS
        : params.durationMin !== undefined
          ? (params.durationMin * 60 * S) / rates.length
          : FULL_LEVEL_MS;
  // Another ladder of the seed's length keeps the seed's gates; any other takes its lowest.
  const gates =
    p.achievedPct ??
    (rates.length === SEED_INGEST_ACHIEVED_PCT.length ? SEED_INGEST_ACHIEVED_PCT : [90]);
  return {
    levels: rates.map((rate, index) => ({
      index,
      rate,
      durationMs: Math.round(levelMs),
      gatePct: gates.length === 1 ? (gates[0] as number) : (gates[index] as number),
    })),
    // k6 thresholds win over the ingest fields (ingest.flush_lag_ms, ingest.buffer_rows)
    flushLagP95Ms:
      setLineOf(params.thresholds, "ingest.flush_lag_ms") ??
      p.flushLagP95Ms ??
      DEFAULT_FLUSH_LAG_P95_MS,
    bufferMaxRows:
      setLineOf(params.thresholds, "ingest.buffer_rows") ??
      p.bufferMaxRows ??
      DEFAULT_BUFFER_MAX_ROWS,
    crash: p.crash ?? true,
    crashLevel: p.crashLevel ?? Math.min(2, rates.length - 1),
    sampleEveryMs: params.quick ? 250 : S,
    settleMs: params.quick ? S : 3 * S,
  };
};

/** A level's step name: `level-25` (snapshots/s). */
export const levelStep = (rate: number) => `level-${rate}`;

export const ingestPlan = (params: RunParams): Plan => {
  const s = ingestSettings(params);
  return [
    { name: "setup", ms: 1_000 },
    ...s.levels.flatMap((l) => [
      { name: levelStep(l.rate), ms: l.durationMs },
      // the killed instance's restart, before the next level
      ...(s.crash && l.index === s.crashLevel ? [{ name: "recover", ms: 5_000 }] : []),
    ]),
    { name: "verify", ms: 2 * s.settleMs },
    { name: "verdict", ms: 0 },
  ];
};

/** The seed's ladder at 3 minutes a level, rounded up. */
export const INGEST_DEFAULT_MIN = 13;
