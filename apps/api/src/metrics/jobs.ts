import { Counter, Gauge, type Registry } from "prom-client";

export interface JobMetrics {
  readonly claimed: Counter;
  readonly heartbeats: Counter;
  readonly heartbeatErrors: Counter;
  /** LeaseLost on a heartbeat, LeaseConflict on completion: a zombie fenced off. */
  readonly fenced: Counter<"stage">;
  readonly completed: Counter;
  readonly failedAttempts: Counter<"final">;
  readonly active: Gauge;
}

export const jobMetrics = (registry: Registry): JobMetrics => {
  const fenced = new Counter({
    name: "scaleproof_jobs_fenced_total",
    help: "Attempts fenced off because another worker holds the job: stage=heartbeat (LeaseLost) or completion (LeaseConflict, result dropped)",
    labelNames: ["stage"],
    registers: [registry],
  });
  const failedAttempts = new Counter({
    name: "scaleproof_jobs_failed_attempts_total",
    help: "Attempts that failed: final=true fails the job, final=false leaves it for a retry",
    labelNames: ["final"],
    registers: [registry],
  });
  for (const stage of ["heartbeat", "completion"]) fenced.inc({ stage }, 0);
  for (const final of ["true", "false"]) failedAttempts.inc({ final }, 0);
  return {
    claimed: new Counter({
      name: "scaleproof_jobs_claimed_total",
      help: "Job attempts this instance claimed (each claim takes a lease and an attempt)",
      registers: [registry],
    }),
    heartbeats: new Counter({
      name: "scaleproof_jobs_heartbeats_total",
      help: "Heartbeats that renewed a job's lease",
      registers: [registry],
    }),
    heartbeatErrors: new Counter({
      name: "scaleproof_jobs_heartbeat_errors_total",
      help: "Heartbeats that could not reach Postgres (the lease was neither renewed nor lost)",
      registers: [registry],
    }),
    fenced,
    completed: new Counter({
      name: "scaleproof_jobs_completed_total",
      help: "Completions accepted (result stored under a lease this worker still held)",
      registers: [registry],
    }),
    failedAttempts,
    active: new Gauge({
      name: "scaleproof_jobs_active",
      help: "Job attempts running on this instance now",
      registers: [registry],
    }),
  };
};
