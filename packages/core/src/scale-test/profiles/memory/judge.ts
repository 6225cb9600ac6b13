import { responsesOf, sampleFailures } from "../../answers.ts";
import { atLeast, atMost, check, equals, type ProfileResult } from "../../check.ts";
import type { Answer, MemoryPoint } from "../../data.ts";
import type { Metrics } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import { judgeHeapTrend, SUSTAINED_WINDOWS } from "../../trend.ts";
import type { SoakEvidence } from "./evidence.ts";

const MB = 1024 * 1024;
/**
 * Steady old-generation growth above this, through the last windows, is a leak: 2 MB/min
 * over 10-minute windows in a real soak; 10 MB/min in a quick run, whose 15 s windows see
 * promotion bursts as short climbs (a real leak, like the leak fault's 60 MB/min, is far
 * above either).
 */
export const LEAK_THRESHOLD_MB_PER_MIN = 2;
export const QUICK_LEAK_THRESHOLD_MB_PER_MIN = 10;
export const FULL_WINDOW_MS = 10 * 60_000;
export const QUICK_WINDOW_MS = 15_000;
/** The latency target for the mixed workload (the seed: "define baseline target in code"). */
export const P95_TARGET_MS = 500;
const SHED_AT = 0.8;

const rounded = (n: number | null, digits = 2) => (n === null ? null : round(n, digits));
const shedAnswer = (a: Answer) =>
  a._tag === "Answered" && a.response.status === 503 && a.response.errorCode === "MEMORY_PRESSURE";
const servedAnswer = (a: Answer) =>
  a._tag === "Answered" && (a.response.status === 200 || a.response.status === 202);

const byInstance = (samples: readonly MemoryPoint[]) => {
  const out = new Map<string, MemoryPoint[]>();
  for (const s of samples) {
    const list = out.get(s.instanceId);
    if (list) list.push(s);
    else out.set(s.instanceId, [s]);
  }
  return out;
};

/** Heap trend per instance: the old generation (what survives scavenges), windowed. */
const trends = (ev: SoakEvidence, per: Map<string, MemoryPoint[]>) => {
  const leakMbPerMin = ev.quick ? QUICK_LEAK_THRESHOLD_MB_PER_MIN : LEAK_THRESHOLD_MB_PER_MIN;
  const windowMs = ev.quick ? QUICK_WINDOW_MS : FULL_WINDOW_MS;
  const all = [...per].map(([instance, ss]) => ({
    instance,
    peak: Math.max(...ss.map((s) => s.heapUsed)),
    v: judgeHeapTrend(
      ss.map((s) => ({ t: s.at, y: s.oldGenUsed })),
      leakMbPerMin * MB,
      windowMs,
    ),
  }));
  const leaking = all.filter((t) => t.v.leaking).map((t) => t.instance);
  const mb = (x: number | null) => (x === null ? "?" : round(x / MB, 2));
  const metrics: Metrics = {};
  for (const t of all) {
    metrics[`heap_slope_mb_per_min.${t.instance}`] =
      t.v.slopePerMin === null ? null : round(t.v.slopePerMin / MB, 3);
    metrics[`heap_peak_mb.${t.instance}`] = round(t.peak / MB, 1);
  }
  const verdict = check(
    "verdict",
    "memory.heap_trend",
    `no instance whose slope's 95% lower bound stays above ${leakMbPerMin} MB/min through its last ${SUSTAINED_WINDOWS} ${Math.round(windowMs / 1000)} s windows`,
    leaking.length ? leaking.join(", ") : "none",
    (a) => a === "none",
    all
      .map(
        (t) =>
          `${t.instance}: slope ${mb(t.v.slopePerMin)} MB/min, highest lower bound ${mb(t.v.worstLowerPerMin)} MB/min over ${t.v.windows.length} windows${t.v.leaking ? " (LEAK)" : ""}`,
      )
      .join("; "),
  );
  return { check: verdict, metrics };
};

/**
 * Seed PROFILE 3's verdict from the evidence alone: enough samples, no restart, no heap
 * still climbing at the end, GC reclaiming, p95 within target, shedding instead of
 * crashing under pressure, and no failed requests (503 MEMORY_PRESSURE is shedding).
 */
export const judgeMemory = (ev: SoakEvidence): ProfileResult => {
  const per = byInstance(ev.samples);
  const instances = [...per.keys()].sort();
  const sorted = new Map(instances.map((i) => [i, per.get(i) ?? []]));
  const restarted = instances.filter((i) => new Set(sorted.get(i)?.map((s) => s.bootId)).size > 1);
  const reclaim = instances.map((i) => {
    const ss = sorted.get(i) ?? [];
    const gcs = ss.reduce((a, s) => a + s.gcCount, 0);
    const drops = ss.filter((s, k) => k > 0 && s.heapUsed < (ss[k - 1]?.heapUsed ?? 0)).length;
    return { i, gcs, drops };
  });
  const reclaiming = reclaim.filter((r) => r.gcs > 0 && r.drops > 0).length;
  const served = responsesOf(ev.answers.filter(servedAnswer)).map((r) => r.durationMs);
  const p95 = rounded(percentile(served, 95));
  const peakPressure = Math.max(0, ...ev.samples.map((s) => s.pressure));
  const shed = ev.answers.filter(shedAnswer).length;
  const reached = ev.samples.some((s) => s.shedding || s.pressure > SHED_AT);
  const failed = ev.answers.filter((a) => !servedAnswer(a) && !shedAnswer(a));
  const trend = trends(ev, sorted);
  return {
    checks: [
      check(
        "collect",
        "memory.samples",
        ">= 2 instances with >= 5 samples each",
        instances.filter((i) => (sorted.get(i)?.length ?? 0) >= 5).length,
        atLeast(2),
        instances.map((i) => `${i}: ${sorted.get(i)?.length ?? 0}`).join(", "),
      ),
      check(
        "verdict",
        "memory.no_restarts",
        "= 0",
        restarted.length,
        equals(0),
        restarted.length ? `restarted: ${restarted.join(", ")}` : undefined,
      ),
      trend.check,
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
        `<= ${P95_TARGET_MS} ms`,
        p95,
        atMost(P95_TARGET_MS),
      ),
      check(
        "verdict",
        "memory.sheds_instead_of_crashing",
        "pressure reached -> 503 MEMORY_PRESSURE served and no restart",
        reached
          ? `reached: ${shed} shed, ${restarted.length} restarts`
          : `not reached (peak ${round(peakPressure, 3)})`,
        () => !reached || (shed > 0 && restarted.length === 0),
      ),
      check(
        "verdict",
        "requests.no_errors",
        "0 (503 MEMORY_PRESSURE is shedding, not an error)",
        failed.length,
        equals(0),
        sampleFailures(failed),
      ),
    ],
    metrics: {
      samples: ev.samples.length,
      instances_sampled: instances.join(", "),
      restarts: restarted.length,
      ...trend.metrics,
      gc_events: reclaim.reduce((a, r) => a + r.gcs, 0),
      "latency.p95_ms": p95,
      "latency.p50_ms": rounded(percentile(served, 50)),
      requests: ev.answers.length,
      "requests.failed": failed.length,
      pressure_peak: round(peakPressure, 3),
      shed_503: shed,
      shed_counted: ev.shedCounted,
    },
  };
};
