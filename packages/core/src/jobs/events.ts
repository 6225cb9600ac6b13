/** The job queue's own records, as the history checker and the UI's timeline read them. */
export interface JobRecord {
  readonly id: string;
  readonly status: "queued" | "running" | "completed" | "failed";
  readonly attemptCount: number;
}

export interface ExecutionEvent {
  readonly jobId: string;
  readonly attempt: number;
  readonly kind: "start" | "finish" | "lease_lost" | "completion_rejected" | "failed" | "released";
  /** ms since the epoch, from the database clock. */
  readonly at: number;
  readonly instanceId: string;
  readonly bootId: string;
  /** On a start: when the previous attempt's lease expired (the claim read it), if there was one. */
  readonly previousLeaseExpiresAt?: number | null;
}
