import { check } from "../../check.ts";
import type { Check } from "../../schema.ts";
import { round } from "../../stats.ts";
import type { ResourcePoint } from "./data.ts";
import type { LevelEvidence } from "./evidence.ts";
import { groupBy, median } from "./signals.ts";
import type { ZoneBounds } from "./zones.ts";

/** Seed 001: after the last cooldown, the post-GC heap is back within +10 % of the baseline's. */
export const RECOVERY_HEAP_PCT = 10;
/** "Back to idle": CPU within 5 points of the baseline's, event-loop delay within 10 ms of it. */
export const RECOVERY_CPU_POINTS = 5;
export const RECOVERY_EVENT_LOOP_MS = 10;

const MB = 1024 * 1024;
const STEP = "recovery";

type Series = ReadonlyMap<string, readonly ResourcePoint[]>;

const medianOf = (xs: readonly ResourcePoint[], f: (r: ResourcePoint) => number | null) =>
  median(xs.map(f).filter((n): n is number => n !== null));

/** Per instance sampled in both windows: its baseline and recovery figures. */
const paired = (base: Series, rec: Series, f: (r: ResourcePoint) => number | null) =>
  [...base.keys()]
    .filter((i) => rec.has(i))
    .sort()
    .map((i) => ({
      i,
      base: medianOf(base.get(i) ?? [], f),
      rec: medianOf(rec.get(i) ?? [], f),
    }))
    .filter(
      (x): x is { i: string; base: number; rec: number } => x.base !== null && x.rec !== null,
    );

const heapChecks = (base: Series, rec: Series): Check => {
  const postGc = [...base.values(), ...rec.values()].every((ss) =>
    ss.some((s) => s.postGcHeap !== null),
  );
  const basis = postGc ? "post-GC heap" : "heapUsed (no post-GC readings)";
  const rows = paired(base, rec, (s) => (postGc ? s.postGcHeap : s.heapUsed));
  const deltas = rows.map((r) => ({ ...r, pct: ((r.rec - r.base) / r.base) * 100 }));
  const worst = deltas.length ? Math.max(...deltas.map((d) => d.pct)) : null;
  return check(
    STEP,
    "load.recovery.heap",
    `${basis} within +${RECOVERY_HEAP_PCT} % of the baseline level's, every instance`,
    worst === null ? "not measured" : round(worst, 1),
    (a) => typeof a === "number" && a <= RECOVERY_HEAP_PCT,
    deltas.length
      ? deltas
          .map(
            (d) =>
              `${d.i}: ${round(d.base / MB, 1)} MB -> ${round(d.rec / MB, 1)} MB (${d.pct >= 0 ? "+" : ""}${round(d.pct, 1)} %)`,
          )
          .join("; ")
      : "no instance sampled in both the baseline and the recovery level",
  );
};

const backToIdle = (
  base: Series,
  rec: Series,
  name: string,
  what: string,
  unit: string,
  slack: number,
  f: (r: ResourcePoint) => number | null,
  /** Wall-clock signals only: back in the STABLE zone is idle enough (a busy shared machine moves them). */
  stableBelow?: number,
): Check => {
  const rows = paired(base, rec, f);
  const excess = rows.map((r) =>
    stableBelow !== undefined && r.rec < stableBelow ? 0 : r.rec - r.base,
  );
  const worst = rows.length ? Math.max(...excess) : null;
  const u = unit === "%" ? " %" : ` ${unit}`;
  return check(
    STEP,
    name,
    `${what} back to idle, every instance: at most ${slack} ${unit === "%" ? "percentage points" : unit} above the baseline level's (median)${stableBelow === undefined ? "" : `, or STABLE (< ${stableBelow}${u})`}`,
    worst === null ? "not measured" : round(worst, 2),
    (a) => typeof a === "number" && a <= slack,
    rows.length
      ? rows.map((r) => `${r.i}: ${round(r.base, 1)} -> ${round(r.rec, 1)} ${unit}`).join("; ")
      : `no ${what} figures in both the baseline and the recovery level`,
  );
};

/**
 * Queues empty: requests in flight, Postgres queries waiting and job slots busy, median 0.
 * An instance probed whose gauge never had a reading proves nothing about that queue: it
 * is named "not read" and the check FAILs (every gauge is exposed at 0 from boot).
 */
const queuesCheck = (rec: LevelEvidence): Check => {
  const full: string[] = [];
  const unread: string[] = [];
  const byInstance = groupBy(rec.probes, (p) => p.instanceId);
  for (const [i, ps] of [...byInstance].sort(([a], [b]) => a.localeCompare(b))) {
    const gauges = [
      ["requests in flight", ps.map((p) => p.requestsInFlight)],
      ["queries waiting", ps.map((p) => p.dbWaiting)],
      ["job slots busy", ps.map((p) => p.jobsActive)],
    ] as const;
    for (const [label, values] of gauges) {
      const m = median(values.filter((v): v is number => v !== null));
      if (m === null) unread.push(`${i}: ${label} not read`);
      else if (m > 0) full.push(`${i}: ${label} ${m}`);
    }
  }
  const found = [...full, ...unread];
  return check(
    STEP,
    "load.recovery.queues",
    "empty on every instance: requests in flight, queries waiting, job slots busy (median 0)",
    byInstance.size === 0 ? "not measured" : found.length ? found.join("; ") : "empty",
    (a) => a === "empty",
    `${byInstance.size} instances probed ${rec.probes.length} times`,
  );
};

/**
 * Seed 001's recovery: after the last cooldown, at the baseline rate again, each
 * instance's post-GC heap is within +10 % of the baseline level's, CPU and event-loop
 * delay are back to idle, nothing is shed and the in-process queues are empty.
 */
export const judgeRecovery = (
  baseline: LevelEvidence,
  recovery: LevelEvidence,
  zones: ZoneBounds,
): Check[] => {
  const base = groupBy(baseline.resources, (r) => r.instanceId);
  const rec = groupBy(recovery.resources, (r) => r.instanceId);
  const shedSamples = recovery.resources.filter((r) => r.shedding).length;
  const shed = recovery.measure.counts.shed;
  return [
    heapChecks(base, rec),
    backToIdle(base, rec, "load.recovery.cpu", "CPU", "%", RECOVERY_CPU_POINTS, (r) => r.cpuPct),
    backToIdle(
      base,
      rec,
      "load.recovery.event_loop",
      "event-loop delay p99",
      "ms",
      RECOVERY_EVENT_LOOP_MS,
      (r) => r.eventLoopP99Ms,
      zones.eventLoop.risk,
    ),
    check(
      STEP,
      "load.recovery.no_shedding",
      "no 503 shed and no instance shedding",
      shed + shedSamples,
      (a) => a === 0 && recovery.resources.length > 0,
      `${shed} requests shed, ${shedSamples} samples shedding of ${recovery.resources.length}`,
    ),
    queuesCheck(recovery),
  ];
};
