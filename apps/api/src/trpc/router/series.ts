import { attemptWindows } from "@scaleproof/core/jobs/attempts";
import { runIdInput } from "@scaleproof/core/scale-test/schema";
import { listMemorySamples } from "@scaleproof/db/queries/listMemorySamples";
import { readJobHistory } from "../../scaleTest/jobEvidence.ts";
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
  const { events } = await readJobHistory(ctx.deps.sql, input.runId);
  return { heap, attempts: attemptWindows(events) };
});
