/**
 * A small time series carried as one string metric (metrics are flat name -> value), so
 * the UI and the export can draw it without another endpoint:
 *   `<name>:<s>=<v>,<s>=<v>;<name>:...`
 * `s` is whole seconds since `t0`, `v` a number; one series per name (an instance id,
 * `pending`...). Points are bucketed so each series keeps at most `maxPoints` (the
 * bucket keeps its largest value: a peak is never averaged away).
 */
export interface SeriesPoint {
  readonly name: string;
  /** ms */
  readonly t: number;
  readonly v: number;
}

const SAFE = /[:;=,\s]/g;

export const encodeSeries = (
  points: readonly SeriesPoint[],
  t0: number,
  maxPoints = 120,
): string => {
  if (points.length === 0) return "";
  const span = Math.max(...points.map((p) => p.t)) - t0;
  const bucketS = Math.max(1, Math.ceil(span / 1000 / maxPoints));
  const series = new Map<string, Map<number, number>>();
  for (const p of points) {
    const name = p.name.replace(SAFE, "_");
    const s = Math.max(0, Math.floor((p.t - t0) / 1000 / bucketS) * bucketS);
    const byS = series.get(name) ?? new Map<number, number>();
    series.set(name, byS);
    byS.set(s, Math.max(byS.get(s) ?? Number.NEGATIVE_INFINITY, p.v));
  }
  return [...series]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, byS]) =>
        `${name}:${[...byS]
          .sort(([a], [b]) => a - b)
          .map(([s, v]) => `${s}=${Math.round(v * 10) / 10}`)
          .join(",")}`,
    )
    .join(";");
};
