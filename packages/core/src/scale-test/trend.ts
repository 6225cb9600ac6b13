/**
 * Heap trend statistics for the memory verdict: the Theil-Sen slope (median of all
 * pairwise slopes: robust to GC saw-teeth and outliers) with Sen's rank-based confidence
 * interval, over rolling windows.
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

/** z for a two-sided 95% interval. */
const Z95 = 1.959964;

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

export interface LeakVerdict {
  readonly windows: readonly SlopeEstimate[];
  /** The lower bound is above the threshold in the last windows: the heap is still climbing steadily at the end. */
  readonly leaking: boolean;
  /** The largest lower bound seen (bytes per minute), for the report. */
  readonly worstLowerPerMin: number | null;
  readonly slopePerMin: number | null;
}

/**
 * How many windows at the end of the soak must all climb for a leak: two half-overlapping
 * windows are 1.5 window widths of steady growth (15 min in a real soak). A leak that
 * starts mid-soak is still there at the end, so it is caught; one noisy window, or a
 * climb that levelled off (a cache filling up), is not a leak.
 */
export const SUSTAINED_WINDOWS = 2;

/** FAIL when the lower bound stays above the threshold through the last windows (not one noisy window). */
export const judgeHeapTrend = (
  points: readonly Point[],
  thresholdPerMin: number,
  widthMs: number,
): LeakVerdict => {
  const windows = rollingWindows(points, widthMs, widthMs / 2)
    .map((w) => theilSen(w))
    .filter((e): e is SlopeEstimate => e !== null);
  const perMin = (x: number) => x * 60_000;
  const overall = theilSen(points);
  return {
    windows,
    leaking:
      windows.length > 0 &&
      windows.slice(-SUSTAINED_WINDOWS).every((w) => perMin(w.lower) > thresholdPerMin),
    worstLowerPerMin: windows.length ? Math.max(...windows.map((w) => perMin(w.lower))) : null,
    slopePerMin: overall ? perMin(overall.slope) : null,
  };
};
