import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import type { Notes, Series } from "../../metrics/schema.ts";
import type { Check, Metrics } from "../../schema.ts";
import { encodeSeries } from "../../timeSeries.ts";
import type { CrashEvidence, IngestEvidence } from "./evidence.ts";
import { integrityOf } from "./integrity.ts";
import { levelChecks, levelFigures, levelMetrics } from "./levels.ts";
import { levelStep } from "./plan.ts";

const sample = <T>(xs: readonly T[], show: (x: T) => string, n = 3) =>
  xs.length ? xs.slice(0, n).map(show).join("; ") : undefined;

const crashChecks = (crash: CrashEvidence, ev: IngestEvidence): Check[] => {
  const armedAt = crash.armedAt;
  if (!crash.requested || crash.victim === null || armedAt === null) return [];
  const level = ev.levels.find((l) => l.index === crash.level);
  const at = level
    ? `${((armedAt - level.startedAt) / 1000).toFixed(1)} s into ${levelStep(level.rate)}`
    : "mid-run";
  const retriedAfter = ev.sends.filter(
    (s) => s.answers.length > 1 && s.intendedAt >= armedAt - 10_000,
  ).length;
  return [
    check(
      "verify",
      "ingest.crash.instance_restarted",
      `${crash.victim} SIGKILLed mid-run, back with a new boot id`,
      crash.bootAfter ? `${crash.victim} boot ${crash.bootAfter.slice(0, 8)}` : null,
      (a) => a !== null,
      `armed ${at} (boot ${crash.bootBefore?.slice(0, 8) ?? "?"}); ${crash.backAt === null ? "not seen back" : `back ${((crash.backAt - armedAt) / 1000).toFixed(1)} s after arming`}; ${retriedAfter} sends around it retried`,
    ),
  ];
};

/**
 * The ingest verdict from the evidence alone: per level seed 001's throughput gate and
 * our flush lag / buffer bounds; over the whole run, every acknowledged snapshot stored
 * exactly once and unmodified (rows re-hashed from their columns), retries safe, at least
 * two instances acknowledging, and the killed instance back.
 */
export const judgeIngest = (ev: IngestEvidence): ProfileResult => {
  const figures = ev.levels.map((run) => levelFigures(ev, run));
  const i = integrityOf(ev.sends, ev.stored);
  const instances = [...new Set(ev.sends.flatMap((s) => (s.ackedBy ? [s.ackedBy] : [])))].sort();
  const checks: Check[] = [
    ...figures.flatMap((f) => levelChecks(ev, f)),
    check(
      "verify",
      "ingest.lost",
      "= 0 acknowledged snapshots missing from the store",
      i.lost.length,
      equals(0),
      sample(i.lost, (s) => `${s.id} (acknowledged by ${s.ackedBy ?? "?"})`) ??
        `${i.acknowledged} acknowledged, all stored`,
    ),
    check(
      "verify",
      "ingest.duplicates",
      "= 0 rows beyond one per snapshot",
      i.duplicates.length,
      equals(0),
      sample(i.duplicates, (r) => `${r.id} (seq ${r.seq ?? "?"}, by ${r.instanceId})`),
    ),
    check(
      "verify",
      "ingest.modified",
      "= 0 rows whose content hash differs from what was sent",
      i.modified.length,
      equals(0),
      sample(i.modified, (m) =>
        m.row.storedHash !== m.sent.hash
          ? `${m.row.id}: stored hash ${m.row.storedHash.slice(0, 12)}, sent ${m.sent.hash.slice(0, 12)}`
          : `${m.row.id}: the row's columns hash to ${m.row.rowHash.slice(0, 12)}, sent ${m.sent.hash.slice(0, 12)}`,
      ) ?? `${ev.stored.length} rows re-hashed from their columns`,
    ),
    check(
      "verify",
      "ingest.unknown_rows",
      "= 0 rows of this run the runner never sent",
      i.unknown.length,
      equals(0),
      sample(i.unknown, (r) => r.id),
    ),
    check(
      "verify",
      "ingest.retries_safe",
      "= 0 resends (same id, same content) refused",
      i.unsafeRetries.length,
      equals(0),
      sample(i.unsafeRetries, (s) => `${s.id}: ${s.answers.join(" -> ")}`) ??
        `${i.retried} sends retried; ${i.retriedDuplicates} of them found already stored (duplicate)`,
    ),
    check(
      "verify",
      "ingest.instances",
      ">= 2 instances acknowledging",
      instances.length,
      atLeast(2),
      instances.join(", "),
    ),
    ...crashChecks(ev.crash, ev),
  ];
  const t0 = ev.levels[0]?.startedAt ?? 0;
  const metrics: Metrics = {
    "ingest.bars_count": ev.bars,
    ...Object.assign({}, ...figures.map(levelMetrics)),
    "ingest.sent_count": i.sent,
    "ingest.acknowledged_count": i.acknowledged,
    "ingest.stored_rows_count": ev.stored.length,
    "ingest.lost_count": i.lost.length,
    "ingest.duplicates_count": i.duplicates.length,
    "ingest.modified_count": i.modified.length,
    "ingest.retried_count": i.retried,
    "ingest.never_acknowledged_count": i.sent - i.acknowledged,
  };
  const notes: Notes = {
    range: `${ev.range.start} .. ${ev.range.end}`,
    "ingest.instrument": ev.instrument,
    ...(ev.crash.victim === null ? {} : { "ingest.crash.victim": ev.crash.victim }),
    ...(ev.crash.requested && ev.crash.notApplied
      ? { "ingest.crash.armed": `no: ${ev.crash.notApplied}` }
      : {}),
  };
  const series: Series = {
    "ingest.buffer_rows_over_time": encodeSeries(
      ev.stats.map((s) => ({ name: s.instanceId, t: s.at, v: s.rows })),
      t0,
    ),
  };
  return { checks, metrics, notes, series };
};
