/** One point of a decoded series: seconds since the run's start, and the value. */
export interface SeriesPoint {
  readonly name: string;
  readonly s: number;
  readonly v: number;
}

/**
 * A series metric as the write profiles encode it (`<name>:<s>=<v>,...;<name>:...`, see
 * core's timeSeries.ts): back to points. Anything malformed is skipped, never guessed.
 */
export const decodeSeries = (encoded: unknown): SeriesPoint[] => {
  if (typeof encoded !== "string" || encoded === "") return [];
  return encoded.split(";").flatMap((part) => {
    const at = part.indexOf(":");
    if (at <= 0) return [];
    const name = part.slice(0, at);
    return part
      .slice(at + 1)
      .split(",")
      .flatMap((pair) => {
        const [s, v] = pair.split("=").map(Number);
        return s === undefined || v === undefined || Number.isNaN(s) || Number.isNaN(v)
          ? []
          : [{ name, s, v }];
      });
  });
};

/** Rows for a line chart: one per second mark, a column per series name. */
export const chartRows = (points: readonly SeriesPoint[]) => {
  const rows = new Map<number, Record<string, number>>();
  for (const p of points) rows.set(p.s, { ...(rows.get(p.s) ?? { s: p.s }), [p.name]: p.v });
  return [...rows.values()].sort((a, b) => (a.s ?? 0) - (b.s ?? 0));
};
