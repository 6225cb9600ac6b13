import type { WorkerStatusRows } from "@scaleproof/db/queries/readWorkerStatus";

export type WorkersHealth = "healthy" | "degraded" | "critical";

/** The thresholds of the rules (seed 004), with the job lease they are counted in. */
export const workerRules = (leaseMs: number) => ({
  /** degraded: the oldest queued job has waited longer than this. */
  degradedQueuedMs: 5 * 60_000,
  /** critical: a job has waited queued longer than this (each one is listed as stale). */
  criticalQueuedMs: 30 * 60_000,
  /** degraded: a running job's worker has not heartbeated for this long (2 leases). */
  heartbeatStaleMs: 2 * leaseMs,
  /** critical: claimable work has waited this long (2 leases) and no worker holds a live lease. */
  idleWithWorkMs: 2 * leaseMs,
});
export type WorkerRules = ReturnType<typeof workerRules>;

export interface Reason {
  readonly rule: string;
  readonly status: Exclude<WorkersHealth, "healthy">;
  readonly message: string;
}

const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Pure: the status and every rule that fired. critical when work has been queued past
 * 30 min, or claimable work waits past 2 leases with no active worker (no live lease);
 * degraded when the oldest queued job waits past 5 min, or a running job's worker has
 * been silent past 2 leases; healthy otherwise.
 */
export const judgeWorkers = (
  rows: WorkerStatusRows,
  rules: WorkerRules,
): { status: WorkersHealth; reasons: Reason[] } => {
  const reasons: Reason[] = [];
  const active = rows.leases.reduce((n, l) => n + l.active, 0);
  if (rows.stale.count > 0) {
    reasons.push({
      rule: "queued-over-30m",
      status: "critical",
      message: `${rows.stale.count} job(s) queued for more than ${s(rules.criticalQueuedMs)}`,
    });
  }
  const waiting = rows.queued.oldestClaimableAgeMs;
  if (
    active === 0 &&
    rows.queued.claimable > 0 &&
    waiting !== null &&
    waiting > rules.idleWithWorkMs
  ) {
    reasons.push({
      rule: "no-active-worker",
      status: "critical",
      message: `${rows.queued.claimable} claimable job(s), the oldest for ${s(waiting)}, and no worker holds a lease`,
    });
  }
  const oldest = rows.queued.oldestAgeMs;
  if (oldest !== null && oldest > rules.degradedQueuedMs) {
    reasons.push({
      rule: "queued-over-5m",
      status: "degraded",
      message: `the oldest queued job has waited ${s(oldest)}`,
    });
  }
  for (const l of rows.leases) {
    if (l.lastHeartbeatAgeMs > rules.heartbeatStaleMs) {
      reasons.push({
        rule: "heartbeat-stale",
        status: "degraded",
        message: `${l.owner}: ${l.active + l.expired} running job(s), last heartbeat ${s(l.lastHeartbeatAgeMs)} ago`,
      });
    }
  }
  const status = reasons.some((r) => r.status === "critical")
    ? "critical"
    : reasons.length > 0
      ? "degraded"
      : "healthy";
  return { status, reasons };
};
