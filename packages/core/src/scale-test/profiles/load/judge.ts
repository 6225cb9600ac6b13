import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import type { Check, Metrics } from "../../schema.ts";
import { round } from "../../stats.ts";
import { type Capacity, findCapacity } from "./capacity.ts";
import type { LevelEvidence, LoadEvidence } from "./evidence.ts";
import { type Boots, type GateOutcome, judgeGates } from "./gates.ts";
import { judgeRecovery } from "./recovery.ts";
import { judgedRow, type LevelRow, rowMetric, ZONE_BOUNDS_METRIC } from "./rows.ts";
import { type Readings, readSignals } from "./signals.ts";
import { zoneCheck } from "./tier.ts";
import {
  describeBounds,
  SIGNAL_INFO,
  SIGNALS,
  type Signal,
  worstZone,
  type Zone,
  type ZoneBounds,
} from "./zones.ts";

export interface JudgedLevel {
  readonly seq: number;
  readonly ev: LevelEvidence;
  readonly gates: GateOutcome;
  readonly readings: Readings;
  readonly row: LevelRow;
  /** Its gate checks (none for capacity levels: the search expects its last level to fail). */
  readonly checks: readonly Check[];
}

const isGated = (ev: LevelEvidence) => ev.level.kind !== "capacity";
const n1 = (x: number | null) => (x === null ? "?" : String(round(x, 1)));

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

/** Each signal over the gated levels: STABLE everywhere, else the worst zone and where. */
const zoneChecks = (levels: readonly JudgedLevel[], zones: ZoneBounds): Check[] =>
  SIGNALS.map((s: Signal) => {
    const cells = levels.filter((l) => isGated(l.ev)).map((l) => ({ l, r: l.readings[s] }));
    const missing = cells.filter((c) => c.r.zone === null && c.r.note?.startsWith("not measured"));
    const zoned = cells.filter((c): c is typeof c & { r: { zone: Zone } } => c.r.zone !== null);
    const worst = worstZone(zoned.map((c) => c.r.zone));
    const unit = SIGNAL_INFO[s].unit;
    const where = (zone: Zone) =>
      zoned
        .filter((c) => c.r.zone === zone)
        .map(
          (c) =>
            `${c.l.ev.level.name} (${n1(c.r.value)}${unit === "%" ? " %" : unit ? ` ${unit}` : ""}${c.r.instance ? ` on ${c.r.instance}` : ""})`,
        )
        .join(", ");
    const actual = missing.length
      ? `not measured at ${missing.map((c) => c.l.ev.level.name).join(", ")}`
      : zoned.length === 0
        ? "not measured"
        : worst === "STABLE"
          ? "STABLE"
          : `${worst} at ${where(worst)}`;
    const detail = zoned
      .map((c) => `${c.l.ev.level.name} ${n1(c.r.value)}`)
      .concat(missing.map((c) => `${c.l.ev.level.name}: ${c.r.note}`))
      .join("; ");
    return zoneCheck(
      "zones",
      `load.zone.${s}`,
      `STABLE at every level: ${SIGNAL_INFO[s].label} ${describeBounds(s, zones[s])}`,
      actual,
      missing.length || zoned.length === 0 ? null : worst,
      detail,
    );
  });

const capacityCheck = (cap: Capacity, ev: NonNullable<LoadEvidence["capacity"]>): Check =>
  check(
    "capacity",
    "load.capacity",
    "the search finds the service's limit: a level fails its gates, or none does up to the highest rate",
    cap.limitedBy === "runner"
      ? `the runner could not offer ${cap.firstFailure?.rate ?? "?"} req/s: capacity at least ${cap.clusterRps ?? 0} req/s`
      : cap.statement,
    () => cap.limitedBy !== "runner",
    [ev.note, cap.kneeWhy && `knee: ${cap.kneeWhy}`].filter(Boolean).join("; ") || undefined,
  );

/** Every level, in order, judged with the boots known before it. */
export const judgeLevels = (ev: LoadEvidence): JudgedLevel[] => {
  let boots: Boots = new Map();
  return ev.levels.map((level, seq) => {
    const { judged, after } = judgeLevel(level, seq, ev.zones, ev.runnerLagMs, boots);
    boots = after;
    return judged;
  });
};

export interface LoadJudgement extends ProfileResult {
  readonly levels: readonly JudgedLevel[];
  readonly capacity: Capacity;
  /** The checks not published level by level: zones, recovery, capacity. */
  readonly summary: readonly Check[];
}

/**
 * The load profile's verdict from the evidence alone (seeds 001 and 002): per level the
 * runner offered the rate and the service met its gates without restarting; every
 * signal STABLE at every level; recovery to the baseline; and, when searched, capacity.
 */
export const judgeLoad = (ev: LoadEvidence): LoadJudgement => {
  const levels = judgeLevels(ev);
  const baseline = ev.levels.find((l) => l.level.kind === "baseline");
  const recovery = ev.levels.find((l) => l.level.kind === "recovery");
  const capacity = findCapacity(
    levels.map((l) => ({
      name: l.ev.level.name,
      kind: l.ev.level.kind,
      rate: l.ev.level.rate,
      verdict: l.gates.verdict,
      failed: l.gates.failed,
      p95Ms: l.gates.p95Ms,
      achievedPct: l.gates.achievedPct,
      zone: worstOf(l.readings),
      instances: Object.keys(l.ev.measure.byInstance).length,
    })),
    ev.capacity?.searched ?? false,
  );
  const summary = [
    ...zoneChecks(levels, ev.zones),
    ...(baseline && recovery ? judgeRecovery(baseline, recovery, ev.zones) : []),
    ...(ev.capacity ? [capacityCheck(capacity, ev.capacity)] : []),
  ];
  return {
    checks: [...levels.flatMap((l) => l.checks), ...summary],
    summary,
    metrics: {
      ...loadMetrics(levels, capacity),
      [ZONE_BOUNDS_METRIC]: JSON.stringify(ev.zones),
    },
    levels,
    capacity,
  };
};

const worstOf = (r: Readings): Zone | null => {
  const zones = SIGNALS.map((s) => r[s].zone).filter((z): z is Zone => z !== null);
  return zones.length ? worstZone(zones) : null;
};

const loadMetrics = (levels: readonly JudgedLevel[], cap: Capacity): Metrics => {
  const gated = levels.filter((l) => isGated(l.ev));
  const sustained = levels.find((l) => l.ev.level.kind === "sustained")?.ev.measure;
  const zones = gated.map((l) => worstOf(l.readings)).filter((z): z is Zone => z !== null);
  const restarts = new Set(levels.flatMap((l) => l.gates.restarts)).size;
  const c = levels.map((l) => l.ev.measure.counts);
  return {
    ...Object.fromEntries(levels.map((l) => rowMetric(l.row))),
    "load.recommendation": cap.statement,
    "load.scale_out_above_rps_per_instance": cap.scaleOutAboveRps,
    "load.capacity_rps": cap.clusterRps,
    "load.capacity_limited_by": cap.limitedBy,
    "load.knee_rps": cap.kneeRps,
    "load.stable_rps": cap.stableRps,
    "load.instances": cap.instances,
    "load.zone": zones.length ? worstZone(zones) : null,
    "latency.p50_ms": sustained ? round(sustained.latencyMs.p50, 2) : null,
    "latency.p95_ms": sustained ? round(sustained.latencyMs.p95, 2) : null,
    "latency.p99_ms": sustained ? round(sustained.latencyMs.p99, 2) : null,
    requests: c.reduce((a, x) => a + x.sent, 0),
    "requests.failed": c.reduce((a, x) => a + x.failed + x.shed + x.timedOut + x.inFlight, 0),
    restarts,
  };
};
