import type { Check } from "../schema.ts";
import { THRESHOLD_METRICS, type ThresholdMetricName } from "./registry.ts";
import { describeInForce, inForce, type ThresholdsSet } from "./resolve.ts";

/** Judges whose lines are settings (gate objects the evidence carries), not read from thresholds. */
const MAPPED = new Set(["load", "db", "ingest", "uploads"]);

/** `load.<rate>rps.p95` -> a pattern for the check's name, also under a full run's `part/`. */
const patternOf = (name: string) =>
  new RegExp(
    `^(?:[^/]+/)?${name
      .split(/<[^>]+>/)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]+?")}$`,
  );

const MAPPED_CHECKS = THRESHOLD_METRICS.filter((m) => MAPPED.has(m.judge)).map((m) => ({
  name: m.name as ThresholdMetricName,
  patterns: m.checks.map(patternOf),
}));

/**
 * The load, db, ingest and uploads checks word their line as before (`< 300 ms`); when the
 * run set a k6 threshold for it, the expression follows (`< 40 ms; load.latency_ms:
 * p(95)<40 (set)`), so a reader sees where the number came from. The cache, memory and
 * streams judges show theirs themselves. Checks under the seed's lines are unchanged.
 */
export const annotateSet = (checks: readonly Check[], set: ThresholdsSet | undefined): Check[] =>
  checks.map((c) => {
    if (set === undefined) return c;
    const notes = MAPPED_CHECKS.filter(
      (m) => set[m.name] !== undefined && m.patterns.some((p) => p.test(c.name)),
    ).map((m) => `${m.name}: ${describeInForce(inForce(set, m.name))}`);
    return notes.length ? { ...c, expected: `${c.expected}; ${notes.join("; ")}` } : c;
  });
