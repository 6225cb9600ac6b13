import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import type { DbStats } from "../../dbData.ts";
import { measured } from "../../metrics/split.ts";
import type { Check, Metrics } from "../../schema.ts";
import { coldReadChecks, creationChecks, p95Of, worst } from "./burstChecks.ts";
import type { DbProfileEvidence } from "./evidence.ts";
import { describeScan, fullScans } from "./plans.ts";

/** Index scans per index over the run, most used first (indexes not used are left out). */
export const indexDeltas = (before: DbStats, after: DbStats) => {
  const was = new Map(before.indexes.map((i) => [i.index, i.scans]));
  return after.indexes
    .map((i) => ({ ...i, scans: i.scans - (was.get(i.index) ?? 0) }))
    .filter((i) => i.scans > 0)
    .sort((a, b) => b.scans - a.scans || a.index.localeCompare(b.index));
};

const planChecks = (ev: DbProfileEvidence): Check[] => {
  const explained = ev.statements.filter((s) => s.plan !== null);
  const scans = fullScans(ev.statements, ev.relations, ev.gates.seqScanRows);
  return [
    check(
      "explain",
      "plans.statements_explained",
      ">= 1",
      explained.length,
      atLeast(1),
      [...new Set(explained.map((s) => s.query.replace(/#\d+$/, "")))].join(", "),
    ),
    check(
      "explain",
      "plans.full_scans",
      `= 0 (no hot statement reads a whole table or index of > ${ev.gates.seqScanRows} rows)`,
      scans.length,
      equals(0),
      scans.map(describeScan).join("; ") || undefined,
    ),
  ];
};
const metricsOf = (ev: DbProfileEvidence): Pick<ProfileResult, "metrics" | "notes"> => {
  const deltas = indexDeltas(ev.statsBefore, ev.statsAfter);
  const waiting: Record<string, number> = {};
  for (const b of ev.rounds) {
    for (const [id, w] of Object.entries(b.coldReads.waitingMax))
      waiting[id] = Math.max(waiting[id] ?? 0, w);
  }
  const creations = ev.rounds.map((r) => r.creations);
  const reads = ev.rounds.map((r) => r.coldReads);
  const skipped = ev.statements.filter((s) => s.skipped).map((s) => s.query);
  const metrics: Metrics = measured({
    "plans.statements_count": ev.statements.length,
    rounds_count: ev.rounds.length,
    "creations.p95_ms": worst(creations.map((b) => p95Of(b.answers, 202))),
    "creations.wall_ms": worst(creations.map((b) => b.wallMs)),
    "creations.jobs_accepted_count": ev.jobs.accepted,
    "creations.jobs_ended_count": ev.jobs.ended,
    "cold_reads.p95_ms": worst(reads.map((b) => p95Of(b.answers, 200))),
    "cold_reads.wall_ms": worst(reads.map((b) => b.wallMs)),
    "cold_reads.pool_waiting_max_count": Math.max(0, ...Object.values(waiting)),
    ...Object.fromEntries(
      Object.entries(waiting).map(([id, w]) => [`cold_reads.${id}.pool_waiting_max_count`, w]),
    ),
    "cold_reads.pool_readings_count": reads.reduce((a, b) => a + b.poolReadings, 0),
    "db.deadlocks_count": ev.statsAfter.deadlocks - ev.statsBefore.deadlocks,
    "db.rollbacks_count": ev.statsAfter.rollbacks - ev.statsBefore.rollbacks,
    ...Object.fromEntries(deltas.map((d) => [`index_scans.${d.index}_count`, d.scans])),
  });
  const notes = {
    ...(skipped.length ? { "plans.skipped": skipped.join(", ") } : {}),
    ...(deltas.length
      ? {
          index_scans: deltas
            .slice(0, 12)
            .map((d) => `${d.index} +${d.scans}`)
            .join(", "),
        }
      : {}),
  };
  return { metrics, notes };
};

/**
 * The db profile's verdict from its evidence alone: no hot statement reads a whole large
 * relation; creation bursts fast, complete and free of deadlocks and serialization
 * failures, served by two instances; cold read bursts fast and really cold.
 */
export const judgeDb = (ev: DbProfileEvidence): ProfileResult => ({
  checks: [...planChecks(ev), ...creationChecks(ev), ...coldReadChecks(ev)],
  ...metricsOf(ev),
});
