import { runIdInput } from "@scaleproof/core/scale-test/schema";
import { jobHistory } from "@scaleproof/db/queries/jobHistory";
import { listMemorySamples } from "@scaleproof/db/queries/listMemorySamples";
import { adminProcedure } from "../trpc.ts";

const MB = 1024 * 1024;

/**
 * A run's time series for the UI's charts: heap per instance over time, and every job
 * attempt's window per instance (from its start to its end event, or to the lease
 * expiry the next attempt's claim observed).
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
  const attempts = events
    .filter((e) => e.kind === "start")
    .map((start) => {
      const end = events.find(
        (e) => e.job_id === start.job_id && e.attempt === start.attempt && e.kind !== "start",
      );
      const next = events.find(
        (e) => e.job_id === start.job_id && e.attempt === start.attempt + 1 && e.kind === "start",
      );
      return {
        jobId: start.job_id,
        attempt: start.attempt,
        instanceId: start.instance_id,
        bootId: start.boot_id,
        start: start.at.getTime(),
        end: end?.at.getTime() ?? next?.previous_lease_expires_at?.getTime() ?? null,
        outcome: end?.kind ?? (next ? "died (lease expired)" : "running"),
      };
    });
  return { heap, attempts };
});
