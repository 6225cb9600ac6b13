import { attemptWindows } from "@scaleproof/core/jobs/attempts";
import { runIdInput } from "@scaleproof/core/scale-test/schema";
import { jobHistory } from "@scaleproof/db/queries/jobHistory";
import { listMemorySamples } from "@scaleproof/db/queries/listMemorySamples";
import { adminProcedure } from "../trpc.ts";

const MB = 1024 * 1024;

/**
 * A run's time series for the UI's charts: heap per instance over time, and every job
 * attempt's window per instance, as the jobs profile's history checker defines it
 * (`attemptWindows`: to its accepted finish, else to the lease expiry the next attempt
 * took over, else to its own end event).
 */
export const seriesProcedure = adminProcedure.input(runIdInput).query(async ({ ctx, input }) => {
  const samples = await listMemorySamples(ctx.deps.sql, input.runId);
  const heap = samples.map((s) => ({
    instanceId: s.instance_id,
    t: s.at.getTime(),
    heapUsedMb: Math.round((s.heap_used / MB) * 10) / 10,
    pressure: s.pressure,
  }));
  const { events } = await jobHistory(ctx.deps.sql, input.runId);
  const attempts = attemptWindows(
    events.map((e) => ({
      jobId: e.job_id,
      attempt: e.attempt,
      kind: e.kind,
      at: e.at.getTime(),
      instanceId: e.instance_id,
      bootId: e.boot_id,
      previousLeaseExpiresAt: e.previous_lease_expires_at?.getTime() ?? null,
    })),
  );
  return { heap, attempts };
});
