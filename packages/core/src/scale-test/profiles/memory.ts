import { Clock, Effect } from "effect";
import { atLeast, atMost, check, equals, type ProfileResult } from "../check.ts";
import { findings } from "../findings.ts";
import type { Profile } from "../profile.ts";
import type { RunParams } from "../schema.ts";
import {
  Evidence,
  MemoryEvidence,
  type MemoryPoint,
  Progress,
  Target,
  type TargetResponse,
} from "../services.ts";
import { percentile, round } from "../stats.ts";
import { lastTradingDays } from "../tradingDays.ts";
import { judgeHeapTrend } from "../trend.ts";

const STEPS = ["setup", "soak", "collect", "verdict"];
const MB = 1024 * 1024;
/**
 * Steady old-generation growth above this, in every window, is a leak: 2 MB/min over
 * 10-minute windows in a real soak; 10 MB/min in a quick run, whose 15 s windows see
 * promotion bursts as short climbs (a real leak, like the leak fault's 60 MB/min, is
 * far above either).
 */
export const LEAK_THRESHOLD_MB_PER_MIN = 2;
export const QUICK_LEAK_THRESHOLD_MB_PER_MIN = 10;
/** The latency target for the mixed workload (the seed: "define baseline target in code"). */
export const P95_TARGET_MS = 500;
const QUICK_SOAK_MS = 45_000;
const QUICK_WINDOW_MS = 15_000;
const FULL_WINDOW_MS = 10 * 60_000;
const SHED_AT = 0.8;

/**
 * Seed PROFILE 3: a mixed workload (cached bars on the same and on new keys, a small
 * backtest now and then, constant low concurrency) while every instance samples its
 * memory. Verdict: no restart, no steady heap climb (Theil-Sen lower bound over rolling
 * windows), GC reclaims, p95 within target, and under pressure 503s instead of crashes.
 */
export const memoryProfile: Profile = {
  name: "memory",
  title: "Memory soak",
  defaultDurationMin: 30,
  steps: STEPS,
  run: (params) => runMemory(params),
};

const runMemory = Effect.fn("memoryProfile")(function* (params: RunParams) {
  const target = yield* Target;
  const evidence = yield* Evidence;
  const memory = yield* MemoryEvidence;
  const progress = yield* Progress;
  const { checks, metrics, record, metric } = yield* findings;

  yield* progress.step("setup", 0);
  const day = params.ranges?.[0] ?? lastTradingDays(yield* evidence.availableRange, 1);
  const soakMs = params.quick
    ? QUICK_SOAK_MS
    : (params.durationMin ?? memoryProfile.defaultDurationMin) * 60_000;
  const scale = params.quick ? 0.1 : 1; // the seed's 10 s / 60 s cadence, 10x faster in quick mode
  const windowMs = params.quick ? QUICK_WINDOW_MS : FULL_WINDOW_MS;
  const leakMbPerMin = params.quick ? QUICK_LEAK_THRESHOLD_MB_PER_MIN : LEAK_THRESHOLD_MB_PER_MIN;
  const responses: TargetResponse[] = [];
  const bars = (start: string, end: string) =>
    target
      .get({ path: "/api/bars", query: { symbol: params.symbol, tf: params.tf, start, end } })
      .pipe(Effect.tap((r) => Effect.sync(() => responses.push(r))));

  // soak: three loops until the deadline.
  yield* progress.step("soak", 1 / STEPS.length);
  const started = yield* Clock.currentTimeMillis;
  const deadline = started + soakMs;
  const until = (every: number, body: (tick: number) => Effect.Effect<unknown, unknown>) =>
    Effect.gen(function* () {
      for (let tick = 0; (yield* Clock.currentTimeMillis) < deadline; tick++) {
        yield* body(tick).pipe(Effect.ignore);
        yield* Effect.sleep(`${Math.round(every)} millis`);
      }
    });
  const dayStart = Date.parse(day.start);
  const dayEnd = Date.parse(day.end);
  const newKey = (tick: number) => {
    // a different key each time: the day's first hours, shifted by whole minutes
    const start = dayStart + ((tick * 7) % 600) * 60_000;
    return [
      new Date(start).toISOString(),
      new Date(Math.min(dayEnd, start + 4 * 3_600_000)).toISOString(),
    ] as const;
  };
  yield* Effect.all(
    [
      // every 10 s: cached bars on the same key, and every other time a new key
      until(10_000 * scale, (tick) =>
        Effect.gen(function* () {
          yield* bars(day.start, day.end);
          if (tick % 2 === 1) yield* bars(...newKey(tick));
        }),
      ),
      // every 60 s: a small backtest
      until(60_000 * scale, (tick) =>
        target
          .post({
            path: "/api/backtests",
            body: {
              symbol: params.symbol,
              tf: params.tf,
              start: day.start,
              end: day.end,
              fast: 5 + (tick % 10),
              slow: 40,
              idempotencyKey: `${target.runId}:m:${tick}`,
            },
          })
          .pipe(Effect.tap((r) => Effect.sync(() => responses.push(r)))),
      ),
      // constant low concurrency: two steady readers
      ...[0, 1].map(() => until(1_000, () => bars(day.start, day.end))),
      // progress
      until(1_000, () =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis;
          yield* progress.step("soak", (1 + Math.min(1, (now - started) / soakMs)) / STEPS.length);
        }),
      ),
    ],
    { concurrency: "unbounded", discard: true },
  );

  // collect: one more sampling interval, so the last samples have landed.
  yield* progress.step("collect", 2 / STEPS.length);
  yield* Effect.sleep(`${memory.sampleEveryMs(params.quick) * 2} millis`);
  // Only this soak's window: in a full run, earlier parts (a crash fault in jobs) are not ours to judge.
  const samples = (yield* memory.samples).filter((p) => p.at >= started);
  const counters = yield* evidence.runCounters;
  yield* progress.step("verdict", 3 / STEPS.length);

  const byInstance = new Map<string, MemoryPoint[]>();
  for (const s of samples)
    byInstance.set(s.instanceId, [...(byInstance.get(s.instanceId) ?? []), s]);
  const instances = [...byInstance.keys()].sort();
  yield* metric("samples", samples.length);
  yield* metric("instances_sampled", instances.join(", "));
  yield* record(
    check(
      "collect",
      "memory.samples",
      ">= 2 instances with >= 5 samples each",
      instances.filter((i) => (byInstance.get(i)?.length ?? 0) >= 5).length,
      atLeast(2),
      instances.map((i) => `${i}: ${byInstance.get(i)?.length ?? 0}`).join(", "),
    ),
  );

  // no restart: one boot id per instance over the window
  const restarted = instances.filter(
    (i) => new Set(byInstance.get(i)?.map((s) => s.bootId)).size > 1,
  );
  yield* metric("restarts", restarted.length);
  yield* record(
    check(
      "verdict",
      "memory.no_restarts",
      "= 0",
      restarted.length,
      equals(0),
      restarted.length ? `restarted: ${restarted.join(", ")}` : undefined,
    ),
  );

  // heap trend per instance: the old generation (what survives scavenges)
  const trends = instances.map((i) => {
    const pts = (byInstance.get(i) ?? []).map((s) => ({ t: s.at, y: s.oldGenUsed }));
    return { instance: i, v: judgeHeapTrend(pts, leakMbPerMin * MB, windowMs) };
  });
  for (const t of trends) {
    yield* metric(
      `heap_slope_mb_per_min.${t.instance}`,
      t.v.slopePerMin === null ? null : round(t.v.slopePerMin / MB, 3),
    );
    const peak = Math.max(...(byInstance.get(t.instance) ?? []).map((s) => s.heapUsed));
    yield* metric(`heap_peak_mb.${t.instance}`, round(peak / MB, 1));
  }
  const leaking = trends.filter((t) => t.v.leaking);
  yield* record(
    check(
      "verdict",
      "memory.heap_trend",
      `no instance whose slope's 95% lower bound stays above ${leakMbPerMin} MB/min in every ${Math.round(windowMs / 1000)} s window`,
      leaking.length ? leaking.map((t) => t.instance).join(", ") : "none",
      (a) => a === "none",
      trends
        .map(
          (t) =>
            `${t.instance}: slope ${t.v.slopePerMin === null ? "?" : round(t.v.slopePerMin / MB, 2)} MB/min, highest lower bound ${t.v.worstLowerPerMin === null ? "?" : round(t.v.worstLowerPerMin / MB, 2)} MB/min over ${t.v.windows.length} windows${t.v.leaking ? " (LEAK)" : ""}`,
        )
        .join("; "),
    ),
  );

  // GC reclaims: GC events, and the heap going down between samples, on every instance
  const reclaim = instances.map((i) => {
    const ss = byInstance.get(i) ?? [];
    const gcs = ss.reduce((a, s) => a + s.gcCount, 0);
    const drops = ss.filter(
      (s, k) => k > 0 && s.heapUsed < (ss[k - 1] as MemoryPoint).heapUsed,
    ).length;
    return { i, gcs, drops };
  });
  const reclaiming = reclaim.filter((r) => r.gcs > 0 && r.drops > 0);
  yield* metric(
    "gc_events",
    reclaim.reduce((a, r) => a + r.gcs, 0),
  );
  yield* record(
    check(
      "verdict",
      "memory.gc_reclaims",
      `all ${instances.length} instances: GC events and heapUsed drops`,
      reclaiming.length,
      (a) => typeof a === "number" && a === instances.length && a > 0,
      reclaim.map((r) => `${r.i}: ${r.gcs} GC events, heap dropped ${r.drops} times`).join("; "),
    ),
  );

  // latency of what was served
  const served = responses.filter((r) => r.status === 200 || r.status === 202);
  const p95 = percentile(
    served.map((r) => r.durationMs),
    95,
  );
  yield* metric("latency.p95_ms", p95 === null ? null : round(p95));
  yield* metric(
    "latency.p50_ms",
    (() => {
      const p = percentile(
        served.map((r) => r.durationMs),
        50,
      );
      return p === null ? null : round(p);
    })(),
  );
  yield* metric("requests", responses.length);
  yield* record(
    check(
      "verdict",
      "latency.p95_within_target",
      `<= ${P95_TARGET_MS} ms`,
      p95 === null ? null : round(p95),
      atMost(P95_TARGET_MS),
    ),
  );

  // pressure: when reached, 503 MEMORY_PRESSURE instead of a crash
  const peakPressure = Math.max(0, ...samples.map((s) => s.pressure));
  const shed = responses.filter(
    (r) => r.status === 503 && r.errorCode === "MEMORY_PRESSURE",
  ).length;
  yield* metric("pressure_peak", round(peakPressure, 3));
  yield* metric("shed_503", shed);
  yield* metric("shed_counted", counters.shed ?? 0);
  const reached = samples.some((s) => s.shedding || s.pressure > SHED_AT);
  yield* record(
    check(
      "verdict",
      "memory.sheds_instead_of_crashing",
      "pressure reached -> 503 MEMORY_PRESSURE served and no restart",
      reached
        ? `reached: ${shed} shed, ${restarted.length} restarts`
        : `not reached (peak ${round(peakPressure, 3)})`,
      () => !reached || (shed > 0 && restarted.length === 0),
    ),
  );
  const failed = responses.filter(
    (r) =>
      !(
        r.status === 200 ||
        r.status === 202 ||
        (r.status === 503 && r.errorCode === "MEMORY_PRESSURE")
      ),
  );
  yield* record(
    check(
      "verdict",
      "requests.no_errors",
      "0 (503 MEMORY_PRESSURE is shedding, not an error)",
      failed.length,
      equals(0),
      failed
        .slice(0, 5)
        .map((r) => `${r.status} ${r.errorCode ?? ""}`)
        .join("; ") || undefined,
    ),
  );
  return { checks, metrics } satisfies ProfileResult;
});
