import { round } from "../../stats.ts";
import type { LevelEvidence } from "./evidence.ts";
import { serviceErrorPct } from "./signals.ts";
import { type Zone, zoneOf } from "./zones.ts";

/** A level's outcome against its gates; RUNNER: not judged, the runner could not offer the rate. */
export type LevelVerdict = "PASS" | "RISK" | "FAIL" | "RUNNER";

export interface GateOutcome {
  readonly runnerOffered: boolean;
  /** What the runner managed (or why it could not). */
  readonly runner: string;
  readonly achievedPct: number;
  readonly p95Ms: number | null;
  readonly errorPct: number | null;
  readonly errorZone: Zone | null;
  /** `i2: boot a -> b` per instance that restarted during the level. */
  readonly restarts: readonly string[];
  /** The gates it failed: achieved, p95, errors, restart. */
  readonly failed: readonly string[];
  readonly verdict: LevelVerdict;
}

/** Each instance's boot id as last seen: a different one later is a restart. */
export type Boots = ReadonlyMap<string, string>;

/** Boot ids per instance seen during the level, in time order (answers, samples, probes). */
const bootsSeen = (ev: LevelEvidence): Map<string, string[]> => {
  const seen = new Map<string, string[]>();
  const add = (instance: string, boot: string | null) => {
    if (boot === null) return;
    const list = seen.get(instance) ?? [];
    if (!list.includes(boot)) list.push(boot);
    seen.set(instance, list);
  };
  for (const [i, t] of Object.entries(ev.measure.byInstance)) for (const b of t.bootIds) add(i, b);
  for (const r of [...ev.resources].sort((a, b) => a.at - b.at)) add(r.instanceId, r.bootId);
  for (const p of [...ev.probes].sort((a, b) => a.at - b.at)) add(p.instanceId, p.bootId);
  return seen;
};

/** Restarts during the level, against the boots known before it; and the boots known after it. */
export const restartsIn = (ev: LevelEvidence, before: Boots) => {
  const after = new Map(before);
  const restarts: string[] = [];
  for (const [instance, boots] of [...bootsSeen(ev)].sort(([a], [b]) => a.localeCompare(b))) {
    const known = before.get(instance);
    const chain = known !== undefined && boots[0] !== known ? [known, ...boots] : boots;
    if (chain.length > 1) restarts.push(`${instance}: boot ${chain.join(" -> ")}`);
    const last = chain[chain.length - 1];
    if (last !== undefined) after.set(instance, last);
  }
  return { restarts, after };
};

/**
 * Did the runner offer the rate? Nothing dropped, not stopped early, and sends on time:
 * 95 % of them handed over within `lagMs` of their intended time. p95, like the latency
 * gate: a runner late that often moves the judged percentile; a rare hiccup (a GC pause
 * in the runner's own process) shows in the p99 and max, which the detail reports.
 */
export const runnerOffered = (ev: LevelEvidence, lagMs: number) => {
  const m = ev.measure;
  const problems = [
    ...(m.counts.dropped > 0
      ? [`${m.counts.dropped} arrivals dropped (it held as many requests as it may)`]
      : []),
    ...(m.scheduleLagMs.p95 > lagMs
      ? [
          `sent late: schedule lag p95 ${round(m.scheduleLagMs.p95, 1)} ms (limit ${lagMs} ms), p99 ${round(m.scheduleLagMs.p99, 1)} ms`,
        ]
      : []),
    ...(m.aborted ? ["stopped early"] : []),
  ];
  return problems.length === 0
    ? {
        ok: true,
        text: `offered ${m.offeredRate} req/s: ${m.counts.sent} sent, 0 dropped, schedule lag p95 ${round(m.scheduleLagMs.p95, 1)} ms, p99 ${round(m.scheduleLagMs.p99, 1)} ms`,
      }
    : { ok: false, text: `the runner could not offer the rate: ${problems.join("; ")}` };
};

/** A level against its gates (seed 001): achieved/offered, p95, error rate, no restart. */
export const judgeGates = (ev: LevelEvidence, lagMs: number, before: Boots) => {
  const m = ev.measure;
  const g = ev.level.gate;
  const runner = runnerOffered(ev, lagMs);
  const achievedPct = m.offeredRate > 0 ? (m.achievedRate / m.offeredRate) * 100 : 0;
  const p95Ms = m.latencyMs.count > 0 ? m.latencyMs.p95 : null;
  const errorPct = serviceErrorPct(m);
  const errorZone =
    errorPct === null ? null : zoneOf(errorPct, { risk: g.errorPassPct, fail: g.errorFailPct });
  const { restarts, after } = restartsIn(ev, before);
  const failed = [
    ...(achievedPct < g.achievedPct ? ["achieved"] : []),
    ...(p95Ms === null || p95Ms >= g.p95Ms ? ["p95"] : []),
    ...(errorZone === null || errorZone === "FAIL" ? ["errors"] : []),
    ...(restarts.length > 0 ? ["restart"] : []),
  ];
  const verdict: LevelVerdict = !runner.ok
    ? "RUNNER"
    : failed.length > 0
      ? "FAIL"
      : errorZone === "RISK"
        ? "RISK"
        : "PASS";
  const outcome: GateOutcome = {
    runnerOffered: runner.ok,
    runner: runner.text,
    achievedPct: round(achievedPct, 2),
    p95Ms: p95Ms === null ? null : round(p95Ms, 2),
    errorPct: errorPct === null ? null : round(errorPct, 3),
    errorZone,
    restarts,
    // a late runner's level is not held against the service; a restart is, whoever sent
    failed: runner.ok ? failed : restarts.length > 0 ? ["restart"] : [],
    verdict,
  };
  return { outcome, after };
};
