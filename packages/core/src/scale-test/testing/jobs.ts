import type { ExecutionEvent, JobRecord } from "../../jobs/events.ts";

/** Each job started and finished once, alternating over two instances. */
export const cleanHistory = (ids: readonly string[]) => ({
  jobs: ids.map((id): JobRecord => ({ id, status: "completed", attemptCount: 1 })),
  events: ids.flatMap((id, i): ExecutionEvent[] => {
    const instanceId = `i${(i % 2) + 1}`;
    const bootId = `b${(i % 2) + 1}`;
    return [
      { jobId: id, attempt: 1, kind: "start", at: i * 10, instanceId, bootId },
      { jobId: id, attempt: 1, kind: "finish", at: i * 10 + 5, instanceId, bootId },
    ];
  }),
});

/**
 * `history` with one job's first attempt dying on i1 (boot b1) and i2 retrying it after
 * the lease expired: what a real crash fault leaves behind.
 */
export const withCrash = (
  history: { jobs: JobRecord[]; events: ExecutionEvent[] },
  jobId: string,
): { jobs: JobRecord[]; events: ExecutionEvent[] } => {
  const at = history.events.find((e) => e.jobId === jobId)?.at ?? 0;
  return {
    jobs: history.jobs.map((j) => (j.id === jobId ? { ...j, attemptCount: 2 } : j)),
    events: [
      ...history.events.filter((e) => e.jobId !== jobId),
      { jobId, attempt: 1, kind: "start", at, instanceId: "i1", bootId: "b1" },
      {
        jobId,
        attempt: 2,
        kind: "start",
        at: at + 3000,
        instanceId: "i2",
        bootId: "b2",
        previousLeaseExpiresAt: at + 2000,
      },
      { jobId, attempt: 2, kind: "finish", at: at + 3100, instanceId: "i2", bootId: "b2" },
    ],
  };
};
