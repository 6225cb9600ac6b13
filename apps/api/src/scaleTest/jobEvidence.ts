import type { ExecutionEvent, JobRecord } from "@scaleproof/core/jobs/events";
import { JobEvidence } from "@scaleproof/core/scale-test/services/jobEvidence";
import type { Sql } from "@scaleproof/db/client";
import { jobHistory } from "@scaleproof/db/queries/jobHistory";
import { Layer } from "effect";
import { ridingOut } from "./ridingOut.ts";

/** The queue's records of one run, read from Postgres (timestamps from the database clock). */
export const readJobHistory = async (
  sql: Sql,
  runId: string,
): Promise<{ jobs: JobRecord[]; events: ExecutionEvent[] }> => {
  const h = await jobHistory(sql, runId);
  return {
    jobs: h.jobs.map((j) => ({ id: j.id, status: j.status, attemptCount: j.attempt_count })),
    events: h.events.map((e) => ({
      jobId: e.job_id,
      attempt: e.attempt,
      kind: e.kind,
      at: e.at.getTime(),
      instanceId: e.instance_id,
      bootId: e.boot_id,
      previousLeaseExpiresAt: e.previous_lease_expires_at?.getTime() ?? null,
    })),
  };
};

export const jobEvidenceLayer = (sql: Sql, runId: string): Layer.Layer<JobEvidence> =>
  Layer.succeed(
    JobEvidence,
    JobEvidence.of({ history: ridingOut(() => readJobHistory(sql, runId)) }),
  );
