import type { Metrics, Notes, Series } from "./schema.ts";
import { unitOf } from "./schema.ts";

/** Keys whose string is a chart's table or series (see `series` in ./schema.ts). */
export const isSeriesKey = (key: string): boolean => {
  const k = key.slice(key.lastIndexOf("/") + 1); // a full run's part prefix
  return k.startsWith("load.level.") || k === "load.zone_bounds" || k.endsWith("_over_time");
};

export interface Split {
  readonly metrics: Metrics;
  readonly notes: Notes;
  readonly series: Series;
}

/**
 * A run's live record as the export documents it: finite numbers under keys with a unit
 * are metrics; tables and series by their keys; every other string (and, from runs
 * recorded before metrics had units, a unitless number or a boolean) is a note, in words.
 * Nothing is dropped but a null: an export of an older run keeps every reading.
 * A null is a reading that was not measured: absent.
 */
export const splitReadings = (all: Readonly<Record<string, unknown>>): Split => {
  const metrics: Metrics = {};
  const notes: Notes = {};
  const series: Series = {};
  for (const [k, v] of Object.entries(all)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "number" && Number.isFinite(v) && unitOf(k) !== null) metrics[k] = v;
    else if (typeof v === "string" && isSeriesKey(k)) series[k] = v;
    else notes[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return { metrics, notes, series };
};

/** Metrics from figures that may be missing: a null (not measured) is left out. */
export const measured = (figures: Readonly<Record<string, number | null | undefined>>): Metrics =>
  Object.fromEntries(
    Object.entries(figures).filter(
      (e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]),
    ),
  );
