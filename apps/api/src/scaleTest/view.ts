import { timingOf } from "@scaleproof/core/scale-test/progress/timing";
import { planOf } from "@scaleproof/core/scale-test/registry";
import {
  type Check,
  type RunTiming,
  type RunView,
  runInput,
} from "@scaleproof/core/scale-test/schema";
import type { ScaleTestRunRow } from "@scaleproof/db/queries/scaleTestRunRow";

/**
 * Where the run stands in time, from its plan (the params it was started with) and its
 * persisted step and fraction; none for params this version cannot read.
 */
const timingOfRow = (row: ScaleTestRunRow, now: number): RunTiming | undefined => {
  const params = runInput.safeParse(row.params);
  if (!params.success) return undefined;
  return timingOf(
    planOf(params.data),
    {
      currentStep: row.current_step,
      progress: row.progress,
      startedAt: row.started_at?.getTime() ?? null,
      finishedAt: row.finished_at?.getTime() ?? null,
    },
    now,
  );
};

/** A run row as every API surface shows it, plus its failures so far (the seed's status). */
export const toRunView = (row: ScaleTestRunRow): RunView & { failures: Check[] } => {
  const checks = row.checks as Check[];
  const timing = timingOfRow(row, Date.now());
  return {
    id: row.id,
    profile: row.profile as RunView["profile"],
    params: row.params,
    status: row.status,
    verdict: row.verdict,
    progress: row.progress,
    currentStep: row.current_step,
    ...(timing ? { timing } : {}),
    checks,
    failures: checks.filter((c) => !c.pass),
    metrics: row.metrics as RunView["metrics"],
    reason: row.reason,
    targetUrl: row.target_url,
    runner: { instanceId: row.runner_instance_id, bootId: row.runner_boot_id },
    leaseExpiresAt: row.lease_expires_at?.toISOString() ?? null,
    cancelRequested: row.cancel_requested,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
};
