import { atLeast, check, equals } from "../../check.ts";
import type { Check } from "../../schema.ts";
import { round } from "../../stats.ts";
import type { LevelEvidence, LoadEvidence } from "./evidence.ts";
import { type Boots, type GateOutcome, judgeGates } from "./gates.ts";
import { judgedRow, type LevelRow } from "./rows.ts";
import { type Readings, readSignals } from "./signals.ts";
import { zoneCheck } from "./tier.ts";
import type { ZoneBounds } from "./zones.ts";

export interface JudgedLevel {
  readonly seq: number;
  readonly ev: LevelEvidence;
  readonly gates: GateOutcome;
  readonly readings: Readings;
  readonly row: LevelRow;
  /** Its gate checks (none for capacity levels: the search expects its last level to fail). */
  readonly checks: readonly Check[];
}

export const isGated = (ev: LevelEvidence) => ev.level.kind !== "capacity";
export const n1 = (x: number | null) => (x === null ? "?" : String(round(x, 1)));

const errorDetail = (ev: LevelEvidence) => {
  const c = ev.measure.counts;
  const bad = c.failed + c.shed + c.timedOut + c.inFlight;
  const perInstance = Object.entries(ev.measure.byInstance)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([i, t]) => {
      const all = t.answered + t.failed + t.shed;
      return `${i} ${all ? round(((t.failed + t.shed) / all) * 100, 2) : 0} %`;
    });
  const statuses = Object.entries(ev.measure.statuses)
    .map(([s, n]) => `${s}: ${n}`)
    .join(", ");
  const errors = Object.entries(ev.measure.errors)
    .map(([e, n]) => `${e}: ${n}`)
    .join(", ");
  return [
    `${bad} of ${c.sent} sent not answered 2xx (${c.failed} failed, ${c.shed} shed, ${c.timedOut} timed out, ${c.inFlight} unanswered at the end)`,
    statuses && `statuses ${statuses}`,
    errors && `network errors ${errors}`,
    perInstance.length ? `by instance: ${perInstance.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
};

const levelChecks = (ev: LevelEvidence, g: GateOutcome, lagMs: number): Check[] => {
  const step = ev.level.name;
  const name = `load.${step}`;
  const gate = ev.level.gate;
  const m = ev.measure;
  const rate = ev.level.rate;
  const restart = check(
    step,
    `${name}.no_restart`,
    "every instance keeps its boot id",
    g.restarts.length,
    equals(0),
    g.restarts.length ? g.restarts.join("; ") : undefined,
  );
  const runner = check(
    step,
    `${name}.runner`,
    `the runner offers ${rate} req/s: nothing dropped, schedule lag p95 <= ${lagMs} ms`,
    g.runnerOffered ? "offered" : "the runner could not offer the rate",
    equals("offered"),
    g.runner,
  );
  // A late runner's level is the runner's problem: its latency and errors are not the service's.
  if (!g.runnerOffered) return [runner, restart];
  return [
    runner,
    check(
      step,
      `${name}.achieved`,
      `>= ${gate.achievedPct} % of ${rate} req/s offered`,
      g.achievedPct,
      atLeast(gate.achievedPct),
      `${round(m.achievedRate, 2)} req/s answered: ${m.counts.answered} of ${m.counts.scheduled} scheduled`,
    ),
    check(
      step,
      `${name}.p95`,
      `< ${gate.p95Ms} ms`,
      g.p95Ms,
      (a) => typeof a === "number" && a < gate.p95Ms,
      `p50 ${n1(m.latencyMs.p50)} ms, p99 ${n1(m.latencyMs.p99)} ms, max ${n1(m.latencyMs.max)} ms, from each request's intended send time`,
    ),
    zoneCheck(
      step,
      `${name}.errors`,
      `< ${gate.errorPassPct} % (${gate.errorPassPct}-${gate.errorFailPct} % RISK, > ${gate.errorFailPct} % FAIL)`,
      g.errorPct ?? "not measured",
      g.errorZone,
      errorDetail(ev),
    ),
    restart,
  ];
};

/** One level judged: gates, zones, its row, and (unless a capacity level) its checks. */
export const judgeLevel = (
  ev: LevelEvidence,
  seq: number,
  zones: ZoneBounds,
  lagMs: number,
  before: Boots,
): { readonly judged: JudgedLevel; readonly after: Boots } => {
  const { outcome, after } = judgeGates(ev, lagMs, before);
  const readings = readSignals(ev, zones, outcome.runnerOffered);
  const row = judgedRow(seq, ev, outcome, readings);
  const checks = isGated(ev) ? levelChecks(ev, outcome, lagMs) : [];
  return { judged: { seq, ev, gates: outcome, readings, row, checks }, after };
};

/** Every level, in order, judged with the boots known before it. */
export const judgeLevels = (ev: LoadEvidence): JudgedLevel[] => {
  let boots: Boots = new Map();
  return ev.levels.map((level, seq) => {
    const { judged, after } = judgeLevel(level, seq, ev.zones, ev.runnerLagMs, boots);
    boots = after;
    return judged;
  });
};
