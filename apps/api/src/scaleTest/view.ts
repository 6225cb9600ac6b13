import type { Check, RunView } from "@scaleproof/core/scale-test/schema";
import type { ScaleTestRunRow } from "@scaleproof/db/queries/scaleTestRunRow";

/** A run row as every API surface shows it, plus its failures so far (the seed's status). */
export const toRunView = (row: ScaleTestRunRow): RunView & { failures: Check[] } => {
  const checks = row.checks as Check[];
  return {
    id: row.id,
    profile: row.profile as RunView["profile"],
    params: row.params,
    status: row.status,
    verdict: row.verdict,
    progress: row.progress,
    currentStep: row.current_step,
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
