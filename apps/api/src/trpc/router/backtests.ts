import { getJob } from "@scaleproof/db/queries/getJob";
import { listJobs } from "@scaleproof/db/queries/listJobs";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProblem } from "../../auth/admin.ts";
import { backtestInput } from "../../backtests/input.ts";
import { enqueueBacktest } from "../../backtests/service.ts";
import { toJobView } from "../../backtests/view.ts";
import { heavyProcedure, publicProcedure, router, type TrpcContext } from "../trpc.ts";

const isAdmin = (ctx: TrpcContext) => adminProblem(ctx.principal) === undefined;

export const jobId = z.string().regex(/^\d{1,18}$/, "not a job id");

export const backtestsRouter = router({
  enqueue: heavyProcedure.input(backtestInput).mutation(async ({ ctx, input }) => {
    const id = await enqueueBacktest(ctx.deps, input, ctx.runId);
    return { id, status: "queued" as const };
  }),
  get: publicProcedure.input(z.strictObject({ id: jobId })).query(async ({ ctx, input }) => {
    const row = await getJob(ctx.deps.sql, input.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no backtest ${input.id}` });
    return toJobView(row, isAdmin(ctx));
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
    .query(async ({ ctx, input }) => {
      // Which jobs belong to which scale-test run is for admins: run ids stay off public records.
      if (input.runId !== undefined && !isAdmin(ctx)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "filtering by run needs the admin token",
        });
      }
      return (await listJobs(ctx.deps.sql, input)).map((r) => toJobView(r, isAdmin(ctx)));
    }),
});
