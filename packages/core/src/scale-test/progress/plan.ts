/**
 * A run's plan: its steps with the time each is planned to take. Progress is weighted by
 * planned time, so an 8-minute sustain is most of a cache run's bar, not one step in seven.
 * Pure: the runner reports with it and any instance can read a persisted fraction back.
 */
export interface PlannedStep {
  readonly name: string;
  readonly ms: number;
}

export type Plan = readonly PlannedStep[];

/** Where a run stands: the step, its own progress, and the whole run's, in time. */
export interface ProgressReport {
  readonly step: string;
  /** The current step's own progress, 0..1. */
  readonly stepFraction: number;
  /** The whole run's progress weighted by planned time, 0..1. */
  readonly fraction: number;
  readonly elapsedMs: number;
  readonly plannedMs: number;
  /** Planned time left: the rest of this step and every later step. */
  readonly remainingMs: number;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export const plannedMs = (plan: Plan): number => plan.reduce((a, s) => a + s.ms, 0);

/** Planned ms before step `index`. */
const startOf = (plan: Plan, index: number) => plannedMs(plan.slice(0, index));

/** The report for being `stepFraction` through `step`, `elapsedMs` after the run started. */
export const reportAt = (
  plan: Plan,
  step: string,
  stepFraction: number,
  elapsedMs: number,
): ProgressReport => {
  const total = plannedMs(plan);
  const index = plan.findIndex((s) => s.name === step);
  const within = clamp01(stepFraction);
  const done = index < 0 ? 0 : startOf(plan, index) + within * (plan[index]?.ms ?? 0);
  const fraction =
    total > 0 ? done / total : index < 0 ? 0 : (index + within) / Math.max(1, plan.length);
  return {
    step,
    stepFraction: within,
    fraction: clamp01(fraction),
    elapsedMs,
    plannedMs: total,
    remainingMs: Math.max(0, total - done),
  };
};

/** What a persisted (step, fraction) pair says, read back with the same plan. */
export interface PlanPosition {
  readonly plannedMs: number;
  readonly remainingMs: number;
  /** The current step's own progress; null when the step is unknown or planned at 0 ms. */
  readonly stepFraction: number | null;
}

/** The inverse of `reportAt`: a run's position from its current step and overall fraction. */
export const positionOf = (plan: Plan, step: string | null, fraction: number): PlanPosition => {
  const total = plannedMs(plan);
  const done = clamp01(fraction) * total;
  const index = step === null ? -1 : plan.findIndex((s) => s.name === step);
  const ms = plan[index]?.ms ?? 0;
  return {
    plannedMs: total,
    remainingMs: Math.max(0, total - done),
    stepFraction: index < 0 || ms === 0 ? null : clamp01((done - startOf(plan, index)) / ms),
  };
};

/** A part's plan inside a larger one: its steps named `part/step`. */
export const prefixPlan = (prefix: string, plan: Plan): Plan =>
  plan.map((s) => ({ name: `${prefix}/${s.name}`, ms: s.ms }));
