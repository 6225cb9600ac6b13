import { getJob } from "@scaleproof/db/queries/getJob";
import { listJobs } from "@scaleproof/db/queries/listJobs";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { backtestInput } from "../../backtests/input.ts";
import { enqueueBacktest } from "../../backtests/service.ts";
import { toJobView } from "../../backtests/view.ts";
import { heavyProcedure, publicProcedure, router } from "../trpc.ts";

export const jobId = z.string().regex(/^\d{1,18}$/, "not a job id");

export const backtestsRouter = router({
  enqueue: heavyProcedure.input(backtestInput).mutation(async ({ ctx, input }) => {
    const id = await enqueueBacktest(ctx.deps, input, ctx.runId);
    return { id, status: "queued" as const };
  }),
  get: publicProcedure.input(z.strictObject({ id: jobId })).query(async ({ ctx, input }) => {
    const row = await getJob(ctx.deps.sql, input.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no backtest ${input.id}` });
    return toJobView(row);
  }),
  list: publicProcedure
    .input(
      z
        .strictObject({
          runId: z.string().max(80).optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => (await listJobs(ctx.deps.sql, input)).map(toJobView)),
});
