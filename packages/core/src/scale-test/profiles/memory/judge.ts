import { sampleFailures } from "../../answers.ts";
import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import type { MemoryPoint } from "../../data.ts";
import { measured } from "../../metrics/split.ts";
import { percentile, round } from "../../stats.ts";
import { aggregate } from "../../thresholds/aggregate.ts";
import { allHold, describeInForce, inForce, type ThresholdsSet } from "../../thresholds/resolve.ts";
import type { SoakEvidence } from "./evidence.ts";
import { judgeLeaks } from "./leak.ts";
import { leakInForce } from "./plan.ts";
import { judgePressure } from "./pressureJudge.ts";

const MB = 1024 * 1024;

const rounded = (n: number | null, digits = 2) => (n === null ? null : round(n, digits));

const byInstance = (samples: readonly MemoryPoint[]) => {
  const out = new Map<string, MemoryPoint[]>();
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
    const list = out.get(s.instanceId);
    if (list) list.push(s);
    else out.set(s.instanceId, [s]);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
};

/**
 * Seed PROFILE 3's verdict from the evidence alone: enough samples, no restart, no leak
 * (what survives a full GC, on and off the V8 heap and in rss, per instance, judged per
 * window against the run's lines: three-tier), GC reclaiming, p95 within target, and
 * under applied pressure 503s instead of crashes, then recovery; no failed requests
 * (503 MEMORY_PRESSURE is shedding).
 */
export const judgeMemory = (ev: SoakEvidence, thresholds?: ThresholdsSet): ProfileResult => {
  const all = byInstance(ev.samples);
  const inSoak = (ss: readonly MemoryPoint[]) =>
    ss.filter((s) => s.at >= ev.soak.from && s.at <= ev.soak.to);
  const soak = new Map([...all].map(([i, ss]) => [i, inSoak(ss)] as const));
  const instances = [...all.keys()];
  const restarted = instances.filter((i) => new Set(all.get(i)?.map((s) => s.bootId)).size > 1);
  const reclaim = instances.map((i) => {
    const ss = soak.get(i) ?? [];
    const gcs = ss.reduce((a, s) => a + s.gcCount, 0);
    const drops = ss.filter((s, k) => k > 0 && s.heapUsed < (ss[k - 1]?.heapUsed ?? 0)).length;
    return { i, gcs, drops };
  });
  const reclaiming = reclaim.filter((r) => r.gcs > 0 && r.drops > 0).length;
  const w = ev.workload;
  const p95 = rounded(percentile(w.servedMs, 95));
  // the mixed workload's latency line (the seed: p(95)<=500), k6-style over served times
  const latency = inForce(thresholds, "memory.latency_ms");
  const first = latency.thresholds[0];
  const latencyActual = first === undefined ? p95 : aggregate(first, w.servedMs);
  const leaks = judgeLeaks(soak, ev.soak, ev.leak, leakInForce(thresholds, ev.quick));
  const pressure = judgePressure(ev.pressure, ev.samples);
  const forced = ev.samples.flatMap((s) => (s.gcForcedMs === null ? [] : [s.gcForcedMs]));
  const peaks: Record<string, number> = {};
  for (const [i, ss] of soak)
    peaks[`memory.${i}.heap_peak_mb`] = round(Math.max(0, ...ss.map((s) => s.heapUsed)) / MB, 1);
  return {
    checks: [
      check(
        "collect",
        "memory.samples",
        ">= 2 instances with >= 5 samples each in the soak",
        instances.filter((i) => (soak.get(i)?.length ?? 0) >= 5).length,
        atLeast(2),
        instances.map((i) => `${i}: ${soak.get(i)?.length ?? 0}`).join(", "),
      ),
      check(
        "verdict",
        "memory.no_restarts",
        "= 0",
        restarted.length,
        equals(0),
        restarted.length ? `restarted: ${restarted.join(", ")}` : undefined,
      ),
      ...leaks.checks,
      check(
        "verdict",
        "memory.gc_reclaims",
        `all ${instances.length} instances: GC events and heapUsed drops`,
        reclaiming,
        (a) => typeof a === "number" && a === instances.length && a > 0,
        reclaim.map((r) => `${r.i}: ${r.gcs} GC events, heap dropped ${r.drops} times`).join("; "),
      ),
      check(
        "verdict",
        "latency.p95_within_target",
        describeInForce(latency),
        latencyActual,
        () => allHold(latency, (t) => aggregate(t, w.servedMs)),
        latency.thresholds.length > 1
          ? latency.thresholds
              .map((t) => `${t.aggregation} ${aggregate(t, w.servedMs)} ms`)
              .join(", ")
          : undefined,
      ),
      ...pressure.checks,
      check(
        "verdict",
        "requests.no_errors",
        "0 (503 MEMORY_PRESSURE is shedding, not an error)",
        w.failed.length,
        equals(0),
        sampleFailures(w.failed),
      ),
    ],
    notes: { instances_sampled: instances.join(", "), ...pressure.notes },
    metrics: measured({
      samples_count: ev.samples.length,
      restarts_count: restarted.length,
      ...leaks.metrics,
      ...peaks,
      gc_events_count: reclaim.reduce((a, r) => a + r.gcs, 0),
      // the cost of measuring what survives a GC: the forced full GC's pause per reading
      "gc.forced_pause_p50_ms": rounded(percentile(forced, 50), 1),
      "gc.forced_pause_max_ms": rounded(percentile(forced, 100), 1),
      "latency.p95_ms": p95,
      "latency.p50_ms": rounded(percentile(w.servedMs, 50)),
      requests_count: w.requests,
      "requests.failed_count": w.failed.length,
      shed_503_count: w.shed,
      shed_counted_count: ev.shedCounted,
      ...pressure.metrics,
    }),
  };
};
