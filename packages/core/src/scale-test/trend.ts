/**
 * Trend statistics for the leak verdicts: the Theil-Sen slope (median of all pairwise
 * slopes: robust to GC saw-teeth, one-off steps and outliers) with Sen's rank-based
 * confidence interval, over rolling windows, each window placed in a zone.
 */
export interface Point {
  /** ms */
  readonly t: number;
  readonly y: number;
}

export interface SlopeEstimate {
  readonly n: number;
  /** y units per ms */
  readonly slope: number;
  readonly lower: number;
  readonly upper: number;
}

/** z for a two-sided 95% interval (each bound is a one-sided 97.5% bound). */
export const Z95 = 1.959964;

export const theilSen = (points: readonly Point[], z = Z95): SlopeEstimate | null => {
  const n = points.length;
  if (n < 3) return null;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      if (b.t !== a.t) slopes.push((b.y - a.y) / (b.t - a.t));
    }
  }
  if (slopes.length === 0) return null;
  slopes.sort((x, y) => x - y);
  const N = slopes.length;
  const median =
    N % 2
      ? (slopes[(N - 1) / 2] as number)
      : ((slopes[N / 2 - 1] as number) + (slopes[N / 2] as number)) / 2;
  // Sen (1968): the interval's ranks come from the variance of Kendall's S (no ties).
  const c = z * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const lo = Math.max(0, Math.floor((N - c) / 2));
  const hi = Math.min(N - 1, Math.ceil((N + c) / 2) - 1);
  return { n, slope: median, lower: slopes[lo] as number, upper: slopes[hi] as number };
};

/** Windows of `widthMs`, every `stepMs`, over the points' span; a span shorter than one window is one window. */
export const rollingWindows = (
  points: readonly Point[],
  widthMs: number,
  stepMs: number,
): Point[][] => {
  if (points.length === 0) return [];
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const first = (sorted[0] as Point).t;
  const last = (sorted[sorted.length - 1] as Point).t;
  if (last - first <= widthMs) return [sorted];
  const windows: Point[][] = [];
  for (let start = first; start + widthMs <= last + stepMs / 2; start += stepMs) {
    windows.push(sorted.filter((p) => p.t >= start && p.t <= start + widthMs));
  }
  return windows;
};

/** Three-tier: above the FAIL line, below the PASS line, or in between (RISK). */
export type Zone = "pass" | "risk" | "fail";

/**
 * Where a growth rate is judged, in y units per hour: FAIL when a window's lower bound
 * is above `failAbove` (a leak at least that fast, with 97.5% confidence), PASS only
 * when every window's upper bound is below `passBelow` (growth, if any, slower than
 * that), RISK otherwise (between the lines, or too noisy to tell). A PASS line at
 * infinity makes it two-tier: PASS unless FAIL (for a check that can catch a leak but
 * cannot certify slow growth).
 */
export interface LeakPolicy {
  readonly failAbovePerHour: number;
  readonly passBelowPerHour: number;
  /**
   * Windows too short to resolve the PASS line: RISK only when growth is shown above
   * it (the lower bound), else PASS, the upper bound stated by the caller.
   */
  readonly riskAbovePerHour?: number;
  /**
   * Certified over spans, not windows (with `riskAbovePerHour` at the same line): PASS
   * needs the whole judged span's 95% upper bound, and its second half's, below this;
   * a window RISKs only when its lower bound is above it. For growth that levels off
   * (rss while malloc arenas and native code settle) a 10-minute window cannot tell a
   * decaying warm-up from a slow leak; the span and its second half can: a leak keeps
   * its rate to the end, a warm-up does not. Only windows that start in the span's first
   * third (SETTLE_FRACTION) get the lower-bound rule: later ones must each be below the
   * line as well, so a leak in the last two thirds cannot hide behind a downward step that
   * drags the span's medians (malloc trimming, a worker thread exiting).
   */
  readonly spanPassBelowPerHour?: number;
  readonly windowMs: number;
  readonly stepMs: number;
}

export interface WindowTrend extends SlopeEstimate {
  /** First and last point's time (ms). */
  readonly from: number;
  readonly to: number;
  readonly zone: Zone;
  /** Judged by its lower bound only: in a span-certified series' settling third. */
  readonly settling: boolean;
}

export interface LeakTrend {
  readonly windows: readonly WindowTrend[];
  /** fail if any window fails; pass if every window passes; else risk (no window at all: risk). */
  readonly zone: Zone;
  /** The window with the highest lower bound: the strongest evidence of growth. */
  readonly worst: WindowTrend | null;
  /** The slope over the whole span, for the report. */
  readonly overall: SlopeEstimate | null;
  /** The slope over the span's second half (only with `spanPassBelowPerHour`: else null). */
  readonly secondHalf: SlopeEstimate | null;
}

export const HOUR_MS = 3_600_000;

/** The share of a span-certified series' span whose windows may be a warm-up settling. */
export const SETTLE_FRACTION = 1 / 3;

export const zoneOfSlope = (e: SlopeEstimate, policy: LeakPolicy): Zone =>
  e.lower * HOUR_MS > policy.failAbovePerHour
    ? "fail"
    : policy.riskAbovePerHour !== undefined
      ? e.lower * HOUR_MS > policy.riskAbovePerHour
        ? "risk"
        : "pass"
      : e.upper * HOUR_MS < policy.passBelowPerHour
        ? "pass"
        : "risk";

/** The worst of several zones: any fail, else any risk, else pass (none at all: pass). */
export const worstZone = (zones: readonly Zone[]): Zone =>
  zones.includes("fail") ? "fail" : zones.includes("risk") ? "risk" : "pass";

/** Every window judged on its own; the series is as bad as its worst window. */
export const judgeLeak = (points: readonly Point[], policy: LeakPolicy): LeakTrend => {
  const spanLine = policy.spanPassBelowPerHour;
  // past the settling third, a span-certified series' windows are judged in full
  const settledFrom =
    spanLine === undefined ? Number.POSITIVE_INFINITY : timeAt(points, SETTLE_FRACTION);
  const strict: LeakPolicy = {
    failAbovePerHour: policy.failAbovePerHour,
    passBelowPerHour: policy.passBelowPerHour,
    windowMs: policy.windowMs,
    stepMs: policy.stepMs,
  };
  const windows = rollingWindows(points, policy.windowMs, policy.stepMs).flatMap((w) => {
    const e = theilSen(w);
    const from = w[0]?.t ?? 0;
    const to = w[w.length - 1]?.t ?? 0;
    const settling = policy.riskAbovePerHour !== undefined && from < settledFrom;
    return e
      ? [{ ...e, from, to, settling, zone: zoneOfSlope(e, settling ? policy : strict) }]
      : [];
  });
  const worst = windows.reduce<WindowTrend | null>(
    (a, w) => (a === null || w.lower > a.lower ? w : a),
    null,
  );
  const overall = theilSen(points);
  // only a span-certified series is judged on its second half (Theil-Sen is O(n^2))
  const secondHalf =
    spanLine === undefined ? null : theilSen(points.filter((p) => p.t >= timeAt(points, 0.5)));
  const spans =
    spanLine === undefined
      ? []
      : [overall, secondHalf].map(
          (e): Zone => (e !== null && e.upper * HOUR_MS < spanLine ? "pass" : "risk"),
        );
  return {
    windows,
    zone: windows.length === 0 ? "risk" : worstZone([...windows.map((w) => w.zone), ...spans]),
    worst,
    overall,
    secondHalf,
  };
};

/** The time `fraction` of the way through the points' span (none: +infinity). */
const timeAt = (points: readonly Point[], fraction: number): number => {
  if (points.length === 0) return Number.POSITIVE_INFINITY;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    first = Math.min(first, p.t);
    last = Math.max(last, p.t);
  }
  return first + (last - first) * fraction;
};
