/** The job queue's own records, as the history checker and the UI's timeline read them. */
export interface JobRecord {
  readonly id: string;
  readonly status: "queued" | "running" | "completed" | "failed";
  readonly attemptCount: number;
}

/** Every kind of execution event the queue records (the export's schema reads the same list). */
export const EXECUTION_EVENT_KINDS = [
  "start",
  "finish",
  "lease_lost",
  "completion_rejected",
  "failed",
  "released",
] as const;

export interface ExecutionEvent {
  readonly jobId: string;
  readonly attempt: number;
  readonly kind: (typeof EXECUTION_EVENT_KINDS)[number];
  /** ms since the epoch, from the database clock. */
  readonly at: number;
  readonly instanceId: string;
  readonly bootId: string;
  /** On a start: when the previous attempt's lease expired (the claim read it), if there was one. */
  readonly previousLeaseExpiresAt?: number | null;
}
