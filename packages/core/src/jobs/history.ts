import { type AttemptWindow, attemptWindows } from "./attempts.ts";
import type { ExecutionEvent, JobRecord } from "./events.ts";

/**
 * The jobs profile's checker, in the spirit of Jepsen's queue checker: it judges the
 * recorded execution history, not what the queue claims about itself.
 */
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

const iso = (ms: number) => new Date(ms).toISOString();

const groupBy = <A>(items: readonly A[], key: (a: A) => string): Map<string, A[]> => {
  const out = new Map<string, A[]>();
  for (const a of items) {
    const list = out.get(key(a));
    if (list) list.push(a);
    else out.set(key(a), [a]);
  }
  return out;
};

/** A retry against the attempt before it: overlapping windows, a re-run, an early claim. */
const retryAnomalies = (prev: AttemptWindow, next: AttemptWindow): JobAnomaly[] => {
  const out: JobAnomaly[] = [];
  const jobId = next.jobId;
  const prevEnd = prev.end ?? Number.POSITIVE_INFINITY;
  if (next.start < prevEnd) {
    out.push({
      jobId,
      kind: "overlap",
      detail: `attempt ${next.attempt} on ${next.instanceId} started ${iso(next.start)} while attempt ${prev.attempt} on ${prev.instanceId} held it until ${Number.isFinite(prevEnd) ? iso(prevEnd) : "its finish (unknown)"}`,
    });
  }
  if (prev.outcome === "finish" && prev.end !== null && next.start >= prev.end) {
    out.push({
      jobId,
      kind: "rerun",
      detail: `attempt ${next.attempt} started after attempt ${prev.attempt} had finished`,
    });
    return out;
  }
  const expired = next.previousLeaseExpiresAt;
  if (expired === null || next.start < expired) {
    out.push({
      jobId,
      kind: "early_retry",
      detail: `attempt ${next.attempt} started at ${iso(next.start)}, previous lease expired ${expired === null ? "never" : iso(expired)}`,
    });
  }
  return out;
};

/**
 * Per job: exactly one accepted finish (more = duplicate); one start per attempt number;
 * consecutive attempts' windows (see `attemptWindows`) do not overlap; a retry starts
 * only after the previous lease expired; a job without an accepted finish is lost.
 */
export const checkHistory = (
  jobs: readonly JobRecord[],
  events: readonly ExecutionEvent[],
): HistoryVerdict => {
  const windows = groupBy(attemptWindows(events), (w) => w.jobId);
  const finishesOf = groupBy(
    events.filter((e) => e.kind === "finish").sort((a, b) => a.at - b.at || a.attempt - b.attempt),
    (e) => e.jobId,
  );
  const anomalies: JobAnomaly[] = [];
  let completed = 0;
  let retried = 0;
  const instances = new Set<string>();
  for (const job of jobs) {
    const finishes = finishesOf.get(job.id) ?? [];
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
    const attempts = windows.get(job.id) ?? [];
    const starts = new Map<number, number>();
    for (const w of attempts) starts.set(w.attempt, (starts.get(w.attempt) ?? 0) + 1);
    for (const [attempt, n] of starts) {
      if (n > 1) {
        anomalies.push({
          jobId: job.id,
          kind: "double_attempt",
          detail: `attempt ${attempt} started ${n} times`,
        });
      }
    }
    if (attempts.length > 1) retried++;
    attempts.forEach((next, i) => {
      const prev = attempts[i - 1];
      if (prev) anomalies.push(...retryAnomalies(prev, next));
    });
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
