import type { RunTiming } from "../schema.ts";
import { type Plan, positionOf } from "./plan.ts";

/** What a run's row holds about its progress. */
export interface PersistedProgress {
  readonly currentStep: string | null;
  readonly progress: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** A run's timing from its plan and its persisted step and fraction, at `now` (ms). */
export const timingOf = (plan: Plan, run: PersistedProgress, now: number): RunTiming => {
  const at = positionOf(plan, run.currentStep, run.progress);
  const finished = run.finishedAt !== null;
  return {
    plannedMs: at.plannedMs,
    elapsedMs: run.startedAt === null ? null : Math.max(0, (run.finishedAt ?? now) - run.startedAt),
    remainingMs: finished ? 0 : at.remainingMs,
    stepProgress: finished ? null : at.stepFraction,
  };
};
