import type { ExecutionEvent } from "./events.ts";

/** How an attempt ended: its own end event, or what the history says happened to it. */
export type AttemptOutcome =
  | Exclude<ExecutionEvent["kind"], "start">
  | "died (lease expired)"
  | "running";

/** One attempt's hold on its job, from its start to where that hold ended. */
export interface AttemptWindow {
  readonly jobId: string;
  readonly attempt: number;
  readonly instanceId: string;
  readonly bootId: string;
  readonly start: number;
  /**
   * Its accepted finish; else the lease expiry the next attempt's claim took over (a
   * zombie's late rejection or lease_lost comes after its hold ended); else its own end
   * event (failed, lease_lost, completion_rejected); null while it may still hold the job.
   */
  readonly end: number | null;
  readonly outcome: AttemptOutcome;
  /** From its start event: when the previous attempt's lease expired, if one did. */
  readonly previousLeaseExpiresAt: number | null;
}

const byTime = (a: ExecutionEvent, b: ExecutionEvent) => a.at - b.at || a.attempt - b.attempt;

/**
 * Every attempt's window, per job in start order. The one definition both the history
 * checker (overlaps, early retries) and the UI's job timeline use.
 */
export const attemptWindows = (events: readonly ExecutionEvent[]): AttemptWindow[] => {
  const byJob = new Map<string, ExecutionEvent[]>();
  for (const e of events) {
    const list = byJob.get(e.jobId);
    if (list) list.push(e);
    else byJob.set(e.jobId, [e]);
  }
  return [...byJob.values()].flatMap((evs) => {
    const sorted = evs.slice().sort(byTime);
    const starts = sorted.filter((e) => e.kind === "start");
    return starts.map((s, i): AttemptWindow => {
      const next = starts[i + 1];
      const finish = sorted.find((e) => e.kind === "finish" && e.attempt === s.attempt);
      const own = sorted.find(
        (e): e is ExecutionEvent & { kind: Exclude<ExecutionEvent["kind"], "start"> } =>
          e.kind !== "start" && e.attempt === s.attempt,
      );
      const took = next?.previousLeaseExpiresAt ?? null;
      return {
        jobId: s.jobId,
        attempt: s.attempt,
        instanceId: s.instanceId,
        bootId: s.bootId,
        start: s.at,
        end: finish?.at ?? took ?? own?.at ?? null,
        outcome: finish ? "finish" : (own?.kind ?? (next ? "died (lease expired)" : "running")),
        previousLeaseExpiresAt: s.previousLeaseExpiresAt ?? null,
      };
    });
  });
};
