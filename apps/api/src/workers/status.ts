import { readWorkerStatus } from "@scaleproof/db/queries/readWorkerStatus";
import type { InstanceDeps } from "../deps.ts";
import { judgeWorkers, workerRules } from "./rules.ts";

/** How many queued-too-long jobs the answer lists (it counts them all). */
const STALE_LISTED = 20;

/** `workers.status`: the job queue and its workers, cluster-wide, judged by the rules. */
export const workersStatus = async (deps: InstanceDeps) => {
  const rules = workerRules(deps.env.JOBS_LEASE_MS);
  const rows = await readWorkerStatus(deps.sql, {
    staleAfterMs: rules.criticalQueuedMs,
    staleListed: STALE_LISTED,
  });
  const byStatus = { queued: 0, running: 0, completed: 0, failed: 0 };
  const byKind: Record<string, typeof byStatus> = {};
  for (const { kind, status, n } of rows.counts) {
    const k = byKind[kind] ?? { queued: 0, running: 0, completed: 0, failed: 0 };
    byKind[kind] = k;
    if (status in byStatus) {
      byStatus[status as keyof typeof byStatus] += n;
      k[status as keyof typeof byStatus] += n;
    }
  }
  const perInstance = rows.leases.map((l) => {
    const cut = l.owner.lastIndexOf("/");
    return {
      instanceId: cut < 0 ? l.owner : l.owner.slice(0, cut),
      bootId: cut < 0 ? null : l.owner.slice(cut + 1),
      activeWorkers: l.active,
      expiredLeases: l.expired,
      lastHeartbeatAgeMs: Math.round(l.lastHeartbeatAgeMs),
    };
  });
  const heartbeats = perInstance.map((p) => p.lastHeartbeatAgeMs);
  const round = (ms: number | null) => (ms === null ? null : Math.round(ms));
  return {
    ...judgeWorkers(rows, rules),
    rules,
    checkedAt: new Date().toISOString(),
    answeredBy: deps.identity.instanceId,
    jobs: { byStatus, byKind },
    queue: {
      pending: byStatus.queued + byStatus.running,
      cap: deps.env.QUEUE_MAX_PENDING,
      oldestQueuedAgeMs: round(rows.queued.oldestAgeMs),
      claimable: rows.queued.claimable,
      oldestClaimableAgeMs: round(rows.queued.oldestClaimableAgeMs),
    },
    workers: {
      active: perInstance.reduce((n, p) => n + p.activeWorkers, 0),
      lastHeartbeatAgeMs: heartbeats.length > 0 ? Math.min(...heartbeats) : null,
      perInstance,
    },
    stale: {
      thresholdMs: rules.criticalQueuedMs,
      count: rows.stale.count,
      oldest: rows.stale.oldest.map((j) => ({ ...j, ageMs: Math.round(j.ageMs) })),
    },
  };
};
