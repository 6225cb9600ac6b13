import { runIdInput, runInput, runStatus } from "@scaleproof/core/scale-test/schema";
import { currentScaleTestRun } from "@scaleproof/db/queries/currentScaleTestRun";
import { getScaleTestRun } from "@scaleproof/db/queries/getScaleTestRun";
import { listScaleTestRuns } from "@scaleproof/db/queries/listScaleTestRuns";
import { requestScaleTestRunCancel } from "@scaleproof/db/queries/requestScaleTestRunCancel";
import { summariseScaleTestEvents } from "@scaleproof/db/queries/summariseScaleTestEvents";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { progressFeedOf } from "../../runs/progressFeed.ts";
import { RunRefused } from "../../scaleTest/errors.ts";
import { buildRunExport } from "../../scaleTest/export.ts";
import { toRunView } from "../../scaleTest/view.ts";
import type { TrpcContext } from "../trpc.ts";
import { adminProcedure, router } from "../trpc.ts";
import { seriesProcedure } from "./series.ts";

const mustGet = async (ctx: TrpcContext, id: string) => {
  const row = await getScaleTestRun(ctx.deps.sql, id);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no run ${id}` });
  return row;
};

/** Scale tests: any instance answers (state is in Postgres); the instance that starts a run runs it. */
export const scaleTestRouter = router({
  run: adminProcedure.input(runInput).mutation(async ({ ctx, input }) => {
    try {
      return toRunView(await ctx.scaleTests.start(input));
    } catch (error) {
      if (error instanceof RunRefused)
        throw new TRPCError({ code: error.code, message: error.message });
      throw error;
    }
  }),
  /** The active run, else the latest; null before the first run. */
  status: adminProcedure.query(async ({ ctx }) => {
    const row = await currentScaleTestRun(ctx.deps.sql);
    return row ? toRunView(row) : null;
  }),
  results: adminProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    const row = await mustGet(ctx, input.runId);
    return { run: toRunView(row), events: await summariseScaleTestEvents(ctx.deps.sql, row.id) };
  }),
  list: adminProcedure
    .input(
      z
        .strictObject({
          limit: z.number().int().min(1).max(200).default(20),
          profile: z.string().optional(),
          status: runStatus.optional(),
        })
        .default({ limit: 20 }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await listScaleTestRuns(ctx.deps.sql, input);
      return rows.map(toRunView).filter((r) => !input.status || r.status === input.status);
    }),
  cancel: adminProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    const row = await requestScaleTestRunCancel(ctx.deps.sql, input.runId);
    if (!row) {
      const existing = await mustGet(ctx, input.runId);
      throw new TRPCError({
        code: "CONFLICT",
        message: `run ${existing.id} is already ${existing.status}`,
      });
    }
    return toRunView(row);
  }),
  series: seriesProcedure,
  export: adminProcedure
    .input(runIdInput)
    .query(async ({ ctx, input }) => buildRunExport(ctx.deps, await mustGet(ctx, input.runId))),
  /** Live progress over SSE: the run's view whenever it changes, until it ends. */
  onProgress: adminProcedure.input(runIdInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    // One Redis-woken read per change per instance, shared by all its subscribers.
    const drop = ctx.deps.faults.find("streams-drop");
    const dropAfter = drop ? Number(drop.params.after ?? 3) : Number.POSITIVE_INFINITY;
    let sent = 0;
    for await (const row of progressFeedOf(ctx.deps).watch(input.runId, signal)) {
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no run ${input.runId}` });
      yield toRunView(row);
      if (++sent >= dropAfter) return; // the streams-drop fault: the stream ends early
    }
  }),
});
