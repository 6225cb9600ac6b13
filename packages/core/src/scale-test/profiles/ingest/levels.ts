import { atLeast, atMost, check } from "../../check.ts";
import { measured } from "../../metrics/split.ts";
import type { Check, Metrics } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import type { IngestStatsSample } from "./data.ts";
import type { IngestEvidence, LevelRun, SendRecord } from "./evidence.ts";
import { levelStep } from "./plan.ts";

/** A level's figures, from its sends and the stats sampled while it ran. */
export interface LevelFigures {
  readonly run: LevelRun;
  readonly offered: number;
  /** Acknowledged within the answer timeout of the intended send time (retries included). */
  readonly acked: number;
  readonly achievedPct: number;
  readonly ackP50Ms: number | null;
  readonly ackP95Ms: number | null;
  /** p95 of the flush lags sampled in the level (distinct flushes, and the age of what waited). */
  readonly flushLagP95Ms: number | null;
  readonly flushesSampled: number;
  readonly bufferMaxRows: number | null;
  readonly samples: number;
  /** Why the sends not counted went unacknowledged: answer -> how many. */
  readonly unacked: Readonly<Record<string, number>>;
}

/** Flush lags seen in some samples: each distinct flush once, plus the age of every non-empty buffer. */
export const flushLags = (samples: readonly IngestStatsSample[]): number[] => {
  const flushes = new Map<string, number>();
  const waiting: number[] = [];
  for (const s of samples) {
    if (s.lastFlushLagMs !== null && s.flushes > 0) {
      flushes.set(`${s.instanceId}/${s.bootId}/${s.flushes}`, s.lastFlushLagMs);
    }
    if (s.rows > 0 && s.oldestAgeMs !== null) waiting.push(s.oldestAgeMs);
  }
  return [...flushes.values(), ...waiting];
};

export const levelFigures = (ev: IngestEvidence, run: LevelRun): LevelFigures => {
  const end = run.startedAt + run.durationMs;
  const mine = ev.sends.filter((s) => s.level === run.index);
  const counted = (s: SendRecord) =>
    s.ackedAt !== null && s.ackedAt - s.intendedAt <= ev.bounds.ackTimeoutMs;
  const acked = mine.filter(counted);
  const unacked: Record<string, number> = {};
  for (const s of mine.filter((x) => !counted(x))) {
    const why = s.ackedAt !== null ? "acknowledged late" : (s.refusal ?? "?");
    unacked[why] = (unacked[why] ?? 0) + 1;
  }
  const latency = acked.map((s) => (s.ackedAt as number) - s.intendedAt);
  const samples = ev.stats.filter((s) => s.at >= run.startedAt && s.at <= end);
  const lags = flushLags(samples);
  const rounded = (n: number | null) => (n === null ? null : round(n, 1));
  return {
    run,
    offered: mine.length,
    acked: acked.length,
    achievedPct: mine.length ? round((acked.length / mine.length) * 100, 1) : 0,
    ackP50Ms: rounded(percentile(latency, 50)),
    ackP95Ms: rounded(percentile(latency, 95)),
    flushLagP95Ms: rounded(percentile(lags, 95)),
    flushesSampled: lags.length,
    bufferMaxRows: samples.length ? Math.max(...samples.map((s) => s.rows)) : null,
    samples: samples.length,
    unacked,
  };
};

const describeUnacked = (u: Readonly<Record<string, number>>) =>
  Object.entries(u)
    .map(([why, n]) => `${n} ${why}`)
    .join(", ");

/** Seed 001's gate per level (achieved / offered) and our bounds on flush lag and buffer depth. */
export const levelChecks = (ev: IngestEvidence, f: LevelFigures): Check[] => {
  const { rate, gatePct } = f.run;
  const step = levelStep(rate);
  const name = `ingest.level_${rate}`;
  const timeout = `${ev.bounds.ackTimeoutMs / 1000} s`;
  const unacked = describeUnacked(f.unacked);
  return [
    check(
      step,
      `${name}.achieved_pct`,
      `>= ${gatePct} % of ${rate}/s acknowledged`,
      f.achievedPct,
      atLeast(gatePct),
      `${f.acked}/${f.offered} acknowledged within ${timeout} of their send time${unacked ? `; not: ${unacked}` : ""}; ack p95 ${f.ackP95Ms ?? "-"} ms from the intended send time`,
    ),
    check(
      step,
      `${name}.flush_lag_p95_ms`,
      `<= ${ev.bounds.flushLagP95Ms} ms`,
      f.flushLagP95Ms,
      atMost(ev.bounds.flushLagP95Ms),
      f.samples
        ? `${f.flushesSampled} flush lags from ${f.samples} stats samples of every instance`
        : "no stats sample in this level: not measured",
    ),
    check(
      step,
      `${name}.buffer_max_rows`,
      `<= ${ev.bounds.bufferMaxRows} rows waiting on one instance`,
      f.bufferMaxRows,
      atMost(ev.bounds.bufferMaxRows),
      f.samples ? undefined : "no stats sample in this level: not measured",
    ),
  ];
};

export const levelMetrics = (f: LevelFigures): Metrics => {
  const k = `ingest.level_${f.run.rate}`;
  const seconds = f.run.durationMs / 1000;
  return measured({
    [`${k}.offered_rps`]: round(f.offered / seconds, 2),
    [`${k}.achieved_rps`]: round(f.acked / seconds, 2),
    [`${k}.achieved_pct`]: f.achievedPct,
    [`${k}.gate_pct`]: f.run.gatePct,
    [`${k}.ack_p95_ms`]: f.ackP95Ms,
    [`${k}.flush_lag_p95_ms`]: f.flushLagP95Ms,
    [`${k}.buffer_max_rows_count`]: f.bufferMaxRows,
  });
};
