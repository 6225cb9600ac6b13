import { zoned } from "../../check.ts";
import type { MemoryPoint } from "../../data.ts";
import { measured } from "../../metrics/split.ts";
import type { Check, CheckZone, Metrics } from "../../schema.ts";
import { type Point, rollingWindows, type SlopeEstimate, theilSen } from "../../trend.ts";
import type { RssPolicy } from "./plan.ts";

const MB = 1024 * 1024;
const HOUR_MS = 3_600_000;
export const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
export const mbPerHour = (perMs: number) => Math.round(((perMs * HOUR_MS) / MB) * 10) / 10;

const byInstance = (samples: readonly MemoryPoint[]) => {
  const m = new Map<string, MemoryPoint[]>();
  for (const s of samples) m.set(s.instanceId, [...(m.get(s.instanceId) ?? []), s]);
  return m;
};

const within = (samples: readonly MemoryPoint[], span: { from: number; to: number }) =>
  samples.filter((s) => s.at >= span.from && s.at <= span.to);

/** Each instance's highest rss in the span (any boot). */
export const rssPeaks = (
  samples: readonly MemoryPoint[],
  span: { readonly from: number; readonly to: number },
): Map<string, number> =>
  new Map(
    [...byInstance(within(samples, span))].map(([id, xs]) => [
      id,
      Math.max(...xs.map((s) => s.rss)),
    ]),
  );

/** A window's growth: its Theil-Sen slope and 95% interval (y units per ms), and its zone. */
export interface WindowGrowth extends SlopeEstimate {
  readonly from: number;
  readonly to: number;
  readonly zone: CheckZone;
}

export interface InstanceGrowth {
  readonly instanceId: string;
  readonly windows: readonly WindowGrowth[];
  /** The window with the highest lower bound: the strongest evidence of growth. */
  readonly worst: WindowGrowth | null;
  /** The slope over the whole span. */
  readonly overall: SlopeEstimate | null;
}

/** FAIL when the lower bound is above the FAIL line, PASS when the upper is below the PASS line, else RISK. */
const zoneOfWindow = (e: SlopeEstimate, p: RssPolicy): CheckZone =>
  e.lower * HOUR_MS > p.failAbovePerHour
    ? "fail"
    : e.upper * HOUR_MS < p.passBelowPerHour
      ? "pass"
      : "risk";

const worstOf = (zones: readonly CheckZone[]): CheckZone =>
  zones.includes("fail") ? "fail" : zones.includes("risk") ? "risk" : "pass";

/**
 * rss growth per instance over the span, from its last boot only (a restart starts a new
 * series): rss after a full GC where the sampler took one, else rss. Theil-Sen per
 * rolling window with Sen's 95% interval (trend.ts), as the memory profile trends heap.
 */
export const rssGrowth = (
  samples: readonly MemoryPoint[],
  span: { readonly from: number; readonly to: number },
  policy: RssPolicy,
): InstanceGrowth[] =>
  [...byInstance(within(samples, span))].map(([instanceId, xs]) => {
    const boot = xs.at(-1)?.bootId;
    const points: Point[] = xs
      .filter((s) => s.bootId === boot)
      .map((s) => ({ t: s.at, y: s.postGcRss ?? s.rss }));
    const windows = rollingWindows(points, policy.windowMs, policy.stepMs).flatMap((w) => {
      const e = theilSen(w);
      return e
        ? [{ ...e, from: w[0]?.t ?? 0, to: w.at(-1)?.t ?? 0, zone: zoneOfWindow(e, policy) }]
        : [];
    });
    const worst = windows.reduce<WindowGrowth | null>(
      (a, w) => (a === null || w.lower > a.lower ? w : a),
      null,
    );
    return { instanceId, windows, worst, overall: theilSen(points) };
  });

const expectation = (p: RssPolicy) => {
  const pass = Math.round(p.passBelowPerHour / MB);
  const fail = Math.round(p.failAbovePerHour / MB);
  return p.by === "slope"
    ? `Theil-Sen slope over the soak below ${fail} MB/h on every instance`
    : `every ${p.windowMs / 60_000}-min window below ${pass} MB/h (95% upper bound) for PASS; FAIL when a lower bound is above ${fail} MB/h`;
};

/** An instance's zone: its worst window's (three-tier), or its whole-soak slope against the one line. */
const zoneOf = (g: InstanceGrowth, p: RssPolicy): CheckZone => {
  if (p.by === "windows") return g.windows.length ? worstOf(g.windows.map((w) => w.zone)) : "risk";
  const slope = g.overall?.slope;
  return slope === undefined ? "risk" : slope * HOUR_MS > p.failAbovePerHour ? "fail" : "pass";
};

const describeGrowth = (g: InstanceGrowth, p: RssPolicy) => {
  const o = g.overall;
  const w = g.worst;
  if (!o || !w) return `${g.instanceId}: not measured (fewer than 3 samples)`;
  const zone = zoneOf(g, p).toUpperCase();
  return p.by === "slope"
    ? `${g.instanceId}: ${zone}, ${mbPerHour(o.slope)} MB/h [${mbPerHour(o.lower)}, ${mbPerHour(o.upper)}] over ${g.windows.length ? Math.round((w.to - w.from) / 1000) : "?"} s`
    : `${g.instanceId}: ${zone}, worst window ${mbPerHour(w.slope)} MB/h [${mbPerHour(w.lower)}, ${mbPerHour(w.upper)}]`;
};

/** The soak's rss growth check: as bad as its worst instance. */
export const judgeRssGrowth = (
  samples: readonly MemoryPoint[],
  span: { readonly from: number; readonly to: number },
  policy: RssPolicy,
): { readonly check: Check; readonly metrics: Metrics } => {
  const growth = rssGrowth(samples, span, policy);
  const slopes = growth.flatMap((g) => {
    const e = policy.by === "slope" ? g.overall : g.worst;
    return e ? [mbPerHour(e.slope)] : [];
  });
  return {
    check: zoned(
      "soak",
      "uploads.soak.rss_growth_mb_per_h",
      expectation(policy),
      slopes.length ? Math.max(...slopes) : null,
      growth.length === 0 ? "risk" : worstOf(growth.map((g) => zoneOf(g, policy))),
      growth.map((g) => describeGrowth(g, policy)).join("; ") || "no memory samples in the soak",
    ),
    metrics: measured(
      Object.fromEntries(
        growth.map((g) => [
          `uploads.soak.${g.instanceId}.rss_mb_per_h`,
          g.overall ? mbPerHour(g.overall.slope) : null,
        ]),
      ),
    ),
  };
};
