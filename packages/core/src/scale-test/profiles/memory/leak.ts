import { zoned } from "../../check.ts";
import type { MemoryPoint } from "../../data.ts";
import type { Metrics } from "../../metrics/schema.ts";
import { measured } from "../../metrics/split.ts";
import type { Check } from "../../schema.ts";
import { round } from "../../stats.ts";
import {
  HOUR_MS,
  judgeLeak,
  type LeakTrend,
  type SlopeEstimate,
  type WindowTrend,
  worstZone,
} from "../../trend.ts";
import type { LeakLines } from "./evidence.ts";
import { leakExpectation, policyOf, spanCertified } from "./leakPolicy.ts";
import { isCompressed } from "./windows.ts";

const MB = 1024 * 1024;

const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/**
 * What survives a full GC, three ways, each trended per instance and judged on its own:
 * - heap: the objects on the V8 heap (heapUsed without compiled code and bytecode, which
 *   the JIT grows for minutes after a process first sees a workload);
 * - off_heap: arrayBuffers, the memory of every Buffer and ArrayBuffer. Not all of
 *   `external` (which includes it): the rest is native memory such as undici's
 *   WebAssembly HTTP parser, which grows with the responses the runner reads and never
 *   shrinks, so on the runner it climbs with no leak at all (measured: +190 MB/h
 *   [64, 313] in a healthy 60 s window). It is reported in the metrics;
 * - rss: the process's memory outside the V8 heap (rss - heapTotal: Buffers, native
 *   allocations, malloc arenas), where a native leak shows; V8 growing its own heap is
 *   not counted twice.
 */
export const LEAK_SERIES = [
  {
    key: "heap",
    what: "post-GC heap objects",
    of: (p: MemoryPoint) => minus(p.postGcHeap, p.postGcCode),
  },
  {
    key: "off_heap",
    what: "post-GC Buffers and ArrayBuffers (outside the V8 heap)",
    of: (p: MemoryPoint) => p.postGcArrayBuffers,
  },
  {
    key: "external",
    what: "post-GC external memory (arrayBuffers and native memory bound to JS objects)",
    of: (p: MemoryPoint) => p.postGcExternal,
  },
  {
    key: "rss",
    what: "post-GC rss outside the V8 heap",
    of: (p: MemoryPoint) => minus(p.postGcRss, p.postGcHeapTotal),
  },
] as const;
export type LeakSeries = (typeof LEAK_SERIES)[number]["key"];

export interface InstanceLeak {
  readonly instanceId: string;
  readonly trend: LeakTrend;
  /** Judged with the span rule (`LeakPolicy.spanPassBelowPerHour`). */
  readonly spanCertified: boolean;
  /** Bytes retained per 1,000 requests the instance began in its worst window (null: no requests). */
  readonly perThousandRequests: number | null;
}

/** One instance's series in the judged span, from its last boot only (a restart is judged apart). */
const seriesOf = (
  samples: readonly MemoryPoint[],
  of: (p: MemoryPoint) => number | null,
  span: { readonly from: number; readonly to: number },
) => {
  const inSpan = samples.filter((s) => s.at >= span.from && s.at <= span.to);
  const boot = inSpan.at(-1)?.bootId;
  return inSpan.flatMap((s) => {
    const y = of(s);
    return s.bootId === boot && y !== null ? [{ t: s.at, y }] : [];
  });
};

const perThousand = (samples: readonly MemoryPoint[], w: WindowTrend | null) => {
  if (w === null) return null;
  const requests = samples
    .filter((s) => s.at > w.from && s.at <= w.to)
    .reduce((a, s) => a + s.requests, 0);
  return requests > 0 ? ((w.slope * (w.to - w.from)) / requests) * 1000 : null;
};

/** Every instance's trend of one series. */
export const leaksOf = (
  perInstance: ReadonlyMap<string, readonly MemoryPoint[]>,
  of: (p: MemoryPoint) => number | null,
  span: { readonly from: number; readonly to: number },
  lines: LeakLines,
  series?: LeakSeries,
): InstanceLeak[] =>
  [...perInstance].map(([instanceId, samples]) => {
    const trend = judgeLeak(seriesOf(samples, of, span), policyOf(lines, series));
    return {
      instanceId,
      trend,
      spanCertified: series !== undefined && spanCertified(lines, series),
      perThousandRequests: perThousand(samples, trend.worst),
    };
  });

const mbh = (perMs: number) => round((perMs * HOUR_MS) / MB, 1);
const signed = (x: number) => (x > 0 ? `+${x}` : `${x}`);

const describe = (l: InstanceLeak) => {
  const w = l.trend.worst;
  if (w === null) return `${l.instanceId}: not measured (fewer than 3 post-GC readings)`;
  const fails = l.trend.windows.filter((x) => x.zone === "fail").length;
  const per =
    l.perThousandRequests === null
      ? ""
      : `, ${round(l.perThousandRequests / 1024, 1)} KB per 1,000 requests`;
  const bounds = (e: SlopeEstimate | null) =>
    e ? `${signed(mbh(e.slope))} MB/h [${mbh(e.lower)}, ${mbh(e.upper)}]` : "not measured";
  const overall = !l.trend.overall
    ? ""
    : l.spanCertified
      ? `; whole soak ${bounds(l.trend.overall)}, second half ${bounds(l.trend.secondHalf)}`
      : `; overall ${signed(mbh(l.trend.overall.slope))} MB/h`;
  return `${l.instanceId}: ${l.trend.zone.toUpperCase()}, worst window ${signed(mbh(w.slope))} MB/h [${mbh(w.lower)}, ${mbh(w.upper)}]${per}${overall}; ${fails}/${l.trend.windows.length} windows above the FAIL line`;
};

/**
 * One three-tier check per judged series (heap, off-heap, rss): as bad as its worst
 * instance's worst window; every series' figures go in the metrics.
 */
export const judgeLeaks = (
  perInstance: ReadonlyMap<string, readonly MemoryPoint[]>,
  span: { readonly from: number; readonly to: number },
  lines: LeakLines,
  /** The k6 thresholds that drew the lines, as the check shows them. */
  inForce?: string,
): { readonly checks: Check[]; readonly metrics: Metrics } => {
  const metrics: Record<string, number | null> = {};
  const checks = LEAK_SERIES.flatMap((series) => {
    const leaks = leaksOf(perInstance, series.of, span, lines, series.key);
    for (const l of leaks) {
      const w = l.trend.worst;
      const at = `leak.${l.instanceId}.${series.key}`;
      metrics[`${at}_mb_per_h`] = w === null ? null : mbh(w.slope);
      metrics[`${at}_lower_mb_per_h`] = w === null ? null : mbh(w.lower);
      metrics[`${at}_kb_per_1k_requests`] =
        l.perThousandRequests === null ? null : round(l.perThousandRequests / 1024, 1);
    }
    if (!lines.judged.includes(series.key)) return [];
    // the slowest growth this run can vouch for: every window's 95% upper bound is below it
    // (span-certified: the windows judged in full and the two spans)
    const uppers = leaks.flatMap((l) => [
      ...l.trend.windows.filter((x) => !(l.spanCertified && x.settling)).map((x) => x.upper),
      ...(l.spanCertified
        ? [l.trend.overall, l.trend.secondHalf].flatMap((e) => (e ? [e.upper] : []))
        : []),
    ]);
    const certified = uppers.length ? mbh(Math.max(...uppers)) : null;
    metrics[`leak.${series.key}_certified_below_mb_per_h`] = certified;
    const flagged = leaks.filter((l) => l.trend.zone !== "pass");
    const none = isCompressed(lines) ? `none; growth certified below ${certified} MB/h` : "none";
    return zoned(
      "verdict",
      `memory.leak.${series.key}`,
      inForce === undefined
        ? leakExpectation(lines, series.key)
        : `${leakExpectation(lines, series.key)}; ${inForce}`,
      flagged.length
        ? flagged.map((l) => `${l.instanceId} ${l.trend.zone.toUpperCase()}`).join(", ")
        : none,
      leaks.length === 0 ? "risk" : worstZone(leaks.map((l) => l.trend.zone)),
      `${series.what}: ${leaks.map(describe).join("; ")}`,
    );
  });
  return { checks, metrics: measured(metrics) };
};
