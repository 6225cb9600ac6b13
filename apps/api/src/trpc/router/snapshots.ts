import { ingestInput } from "../../snapshots/contract.ts";
import { ingestStats, snapshotBuffer } from "../../snapshots/service.ts";
import { adminProcedure, heavyProcedure, router } from "../trpc.ts";

export const snapshotsRouter = router({
  /** One snapshot or up to 500; answers once they are durable (per id: stored or duplicate). */
  ingest: heavyProcedure
    .input(ingestInput)
    .mutation(({ ctx, input }) => snapshotBuffer(ctx.deps).ingest(input, ctx.runId ?? null)),
  /** This instance's buffer depth, flush lag and counters. */
  stats: adminProcedure.query(({ ctx }) => ingestStats(ctx.deps)),
});
