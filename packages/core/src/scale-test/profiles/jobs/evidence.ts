import type { ExecutionEvent, JobRecord } from "../../../jobs/events.ts";

/** One wave of enqueues: the job ids the queue accepted, and why the others were refused. */
export interface Wave {
  readonly accepted: readonly string[];
  readonly refused: readonly string[];
}

/** After a crash: the instance that died, its boot, and the new boot it came back with (null: not seen). */
export interface Restart {
  readonly instanceId: string;
  readonly crashedBoot: string;
  readonly seenBoot: string | null;
}

/**
 * The backtests streamed in while Postgres was being restarted: each accepted job with
 * when its 202 arrived (the runner's clock, epoch ms), the final refusals, and how many
 * answers were 429 QUEUE_FULL (the queue at its cap: not submitted, not a refusal).
 */
export interface RestartStream {
  readonly accepted: readonly { readonly id: string; readonly at: number }[];
  readonly refused: readonly string[];
  readonly queueFull: number;
}

/** Postgres restarted while jobs were in flight (`restarts: ["postgres"]`). */
export interface PgRestart {
  /** Why it did not run (the platform may not restart Postgres); null when it ran. */
  readonly notRun: string | null;
  /** When Postgres went down and accepted connections again (epoch ms); null when not run. */
  readonly window: { readonly downAt: number; readonly upAt: number } | null;
  /** Absent when it did not run (and in older exports, whose restart had no stream). */
  readonly stream?: RestartStream | undefined;
}

/** Everything the jobs profile measured: plain data, judged by `judge.ts`. */
export interface JobsEvidence {
  readonly range: { readonly start: string; readonly end: string };
  /** Faults armed for this run, and those asked for but refused by the deployment. */
  readonly armed: readonly string[];
  readonly notArmed: readonly string[];
  readonly jobsPerWave: number;
  readonly waves: readonly Wave[];
  /** Jobs ended (completed or failed) at the last poll. */
  readonly ended: number;
  readonly history: {
    readonly jobs: readonly JobRecord[];
    readonly events: readonly ExecutionEvent[];
  };
  readonly restart: Restart | null;
  /** Absent unless the run asked for it (and in older exports). */
  readonly pgRestart?: PgRestart | undefined;
}
