/**
 * The jobs profile's checker, in the spirit of Jepsen's queue checker: it judges the
 * recorded execution history, not what the queue claims about itself.
 */
export interface JobRecord {
  readonly id: string;
  readonly status: "queued" | "running" | "completed" | "failed";
  readonly attemptCount: number;
}

export interface ExecutionEvent {
  readonly jobId: string;
  readonly attempt: number;
  readonly kind: "start" | "finish" | "lease_lost" | "completion_rejected" | "failed";
  /** ms since the epoch, from the database clock. */
  readonly at: number;
  readonly instanceId: string;
  readonly bootId: string;
  /** On a start: when the previous attempt's lease expired (the claim read it), if there was one. */
  readonly previousLeaseExpiresAt?: number | null;
}

export interface JobAnomaly {
  readonly jobId: string;
  readonly kind: "duplicate" | "rerun" | "overlap" | "early_retry" | "lost" | "double_attempt";
  readonly detail: string;
}

export interface HistoryVerdict {
  readonly expected: number;
  readonly completed: number;
  readonly duplicates: number;
  readonly overlaps: number;
  readonly earlyRetries: number;
  readonly lost: number;
  readonly retried: number;
  readonly rejectedCompletions: number;
  readonly leaseLost: number;
  readonly instances: readonly string[];
  readonly anomalies: readonly JobAnomaly[];
}

/**
 * Per job: exactly one accepted finish (more = duplicate); one start per attempt number;
 * consecutive attempts do not overlap (attempt k ends at its finish, or at the lease
 * expiry that attempt k+1's claim observed); a retry starts only after the previous
 * lease expired; a job without an accepted finish is lost.
 */
export const checkHistory = (
  jobs: readonly JobRecord[],
  events: readonly ExecutionEvent[],
): HistoryVerdict => {
  const byJob = new Map<string, ExecutionEvent[]>();
  for (const e of events) {
    const list = byJob.get(e.jobId) ?? [];
    list.push(e);
    byJob.set(e.jobId, list);
  }
  const anomalies: JobAnomaly[] = [];
  let completed = 0;
  let retried = 0;
  const instances = new Set<string>();
  for (const job of jobs) {
    const evs = (byJob.get(job.id) ?? [])
      .slice()
      .sort((a, b) => a.at - b.at || a.attempt - b.attempt);
    const starts = evs.filter((e) => e.kind === "start");
    const finishes = evs.filter((e) => e.kind === "finish");
    for (const f of finishes) instances.add(f.instanceId);
    if (finishes.length > 1) {
      anomalies.push({
        jobId: job.id,
        kind: "duplicate",
        detail: `${finishes.length} accepted finishes (attempts ${finishes.map((f) => f.attempt).join(", ")})`,
      });
    }
    if (finishes.length === 1 && job.status === "completed") completed++;
    else if (finishes.length === 0) {
      anomalies.push({
        jobId: job.id,
        kind: "lost",
        detail: `status ${job.status}, no accepted finish`,
      });
    }
    const attempts = new Map<number, number>();
    for (const s of starts) attempts.set(s.attempt, (attempts.get(s.attempt) ?? 0) + 1);
    for (const [attempt, n] of attempts) {
      if (n > 1) {
        anomalies.push({
          jobId: job.id,
          kind: "double_attempt",
          detail: `attempt ${attempt} started ${n} times`,
        });
      }
    }
    if (starts.length > 1) retried++;
    for (let i = 1; i < starts.length; i++) {
      const prev = starts[i - 1] as ExecutionEvent;
      const next = starts[i] as ExecutionEvent;
      const prevFinish = finishes.find((f) => f.attempt === prev.attempt);
      const prevEnd = prevFinish?.at ?? next.previousLeaseExpiresAt ?? Number.POSITIVE_INFINITY;
      if (next.at < prevEnd) {
        anomalies.push({
          jobId: job.id,
          kind: "overlap",
          detail: `attempt ${next.attempt} on ${next.instanceId} started ${new Date(next.at).toISOString()} while attempt ${prev.attempt} on ${prev.instanceId} held it until ${Number.isFinite(prevEnd) ? new Date(prevEnd).toISOString() : "its finish (unknown)"}`,
        });
      }
      if (prevFinish !== undefined && next.at >= prevFinish.at) {
        anomalies.push({
          jobId: job.id,
          kind: "rerun",
          detail: `attempt ${next.attempt} started after attempt ${prev.attempt} had finished`,
        });
      } else {
        const expired = next.previousLeaseExpiresAt;
        if (expired == null || next.at < expired) {
          anomalies.push({
            jobId: job.id,
            kind: "early_retry",
            detail: `attempt ${next.attempt} started at ${new Date(next.at).toISOString()}, previous lease expired ${expired == null ? "never" : new Date(expired).toISOString()}`,
          });
        }
      }
    }
  }
  const count = (k: JobAnomaly["kind"]) => anomalies.filter((a) => a.kind === k).length;
  const duplicated = new Set(
    anomalies
      .filter((a) => a.kind === "duplicate" || a.kind === "rerun" || a.kind === "double_attempt")
      .map((a) => a.jobId),
  );
  return {
    expected: jobs.length,
    completed,
    /** Jobs executed more than once (accepted twice, re-run after finishing, or one attempt started twice). */
    duplicates: duplicated.size,
    overlaps: count("overlap"),
    earlyRetries: count("early_retry"),
    lost: count("lost"),
    retried,
    rejectedCompletions: events.filter((e) => e.kind === "completion_rejected").length,
    leaseLost: events.filter((e) => e.kind === "lease_lost").length,
    instances: [...instances].sort(),
    anomalies,
  };
};
