/** A `scale_test_runs` row as postgres.js returns it (jsonb parsed, timestamps as Date). */
export interface ScaleTestRunRow {
  readonly id: string;
  readonly profile: string;
  readonly params: Record<string, unknown>;
  readonly status: "queued" | "running" | "passed" | "failed" | "aborted";
  readonly verdict: "PASS" | "RISK" | "FAIL" | null;
  readonly progress: number;
  readonly current_step: string | null;
  readonly checks: unknown[];
  readonly metrics: Record<string, unknown>;
  readonly reason: string | null;
  readonly target_url: string;
  readonly runner_instance_id: string;
  readonly runner_boot_id: string;
  readonly runner_version: string;
  readonly lease_expires_at: Date | null;
  readonly cancel_requested: boolean;
  readonly created_at: Date;
  readonly started_at: Date | null;
  readonly updated_at: Date;
  readonly finished_at: Date | null;
}

export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && error.code === "23505";
