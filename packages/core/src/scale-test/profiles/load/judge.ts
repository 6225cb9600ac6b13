import { check, type ProfileResult } from "../../check.ts";
import type { Notes } from "../../metrics/schema.ts";
import { measured } from "../../metrics/split.ts";
import type { Check, Metrics } from "../../schema.ts";
import { round } from "../../stats.ts";
import { type Capacity, findCapacity } from "./capacity.ts";
import type { LoadEvidence } from "./evidence.ts";
import { isGated, type JudgedLevel, judgeLevels, n1 } from "./levelJudge.ts";
import { judgeRecovery } from "./recovery.ts";
import { rowMetric, ZONE_BOUNDS_METRIC } from "./rows.ts";
import { judgeScaleOutIn } from "./scaleOutInJudge.ts";
import type { Readings } from "./signals.ts";
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
  // a level an instance joined and left is not a capacity reading (its latency has both
  // transients in it, and its instance count is neither)
  const scaledLevel = ev.scaleOutIn?.added ? "sustained" : null;
  const capacity = findCapacity(
    levels
      .filter((l) => l.ev.level.kind !== scaledLevel)
      .map((l) => ({
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
  const scaled =
    ev.scaleOutIn === undefined
      ? null
      : judgeScaleOutIn(
          ev.scaleOutIn,
          ev.levels.find((l) => l.level.kind === "sustained"),
        );
  const summary = [
    ...(scaled?.checks ?? []),
    ...zoneChecks(levels, ev.zones),
    ...(baseline && recovery ? judgeRecovery(baseline, recovery, ev.zones) : []),
    ...(ev.capacity ? [capacityCheck(capacity, ev.capacity)] : []),
  ];
  return {
    checks: [...levels.flatMap((l) => l.checks), ...summary],
    summary,
    metrics: { ...loadMetrics(levels, capacity), ...scaled?.metrics },
    notes: { ...loadNotes(levels, capacity), ...scaled?.notes },
    series: {
      ...Object.fromEntries(levels.map((l) => rowMetric(l.row))),
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

/**
 * The capacity as numbers (`load.scale_out_above_per_instance_rps` is the recommendation:
 * the UI and CLI word it), the sustained level's latency, and the request counts.
 */
const loadMetrics = (levels: readonly JudgedLevel[], cap: Capacity): Metrics => {
  const sustained = levels.find((l) => l.ev.level.kind === "sustained")?.ev.measure;
  const restarts = new Set(levels.flatMap((l) => l.gates.restarts)).size;
  const c = levels.map((l) => l.ev.measure.counts);
  return measured({
    "load.scale_out_above_per_instance_rps": cap.scaleOutAboveRps,
    "load.capacity_rps": cap.clusterRps,
    "load.knee_rps": cap.kneeRps,
    "load.stable_rps": cap.stableRps,
    "load.instances_count": cap.instances,
    "latency.p50_ms": sustained ? round(sustained.latencyMs.p50, 2) : null,
    "latency.p95_ms": sustained ? round(sustained.latencyMs.p95, 2) : null,
    "latency.p99_ms": sustained ? round(sustained.latencyMs.p99, 2) : null,
    requests_count: c.reduce((a, x) => a + x.sent, 0),
    "requests.failed_count": c.reduce((a, x) => a + x.failed + x.shed + x.timedOut + x.inFlight, 0),
    restarts_count: restarts,
  });
};

/** The capacity statement, what limited it, and the worst zone over the gated levels. */
const loadNotes = (levels: readonly JudgedLevel[], cap: Capacity): Notes => {
  const gated = levels.filter((l) => isGated(l.ev));
  const zones = gated.map((l) => worstOf(l.readings)).filter((z): z is Zone => z !== null);
  return {
    "load.recommendation": cap.statement,
    "load.capacity_limited_by": cap.limitedBy,
    ...(zones.length ? { "load.zone": worstZone(zones) } : {}),
  };
};
