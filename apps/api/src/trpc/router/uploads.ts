import { getUpload } from "@scaleproof/db/queries/getUpload";
import { TRPCError } from "@trpc/server";
import { createUploadInput, uploadRef } from "../../uploads/input.ts";
import { createUpload, finalizeUpload } from "../../uploads/service.ts";
import { toUploadView } from "../../uploads/view.ts";
import { heavyProcedure, publicProcedure, router } from "../trpc.ts";

/** Chunks are bytes, not JSON: they go to `PUT /api/uploads/:id/chunks/:n` (REST only). */
export const uploadsRouter = router({
  create: heavyProcedure
    .input(createUploadInput)
    .mutation(({ ctx, input }) => createUpload(ctx.deps, input, ctx.runId ?? null)),
  finalize: heavyProcedure
    .input(uploadRef)
    .mutation(({ ctx, input }) => finalizeUpload(ctx.deps, input.id, ctx.runId ?? null)),
  get: publicProcedure.input(uploadRef).query(async ({ ctx, input }) => {
    const row = await getUpload(ctx.deps.sql, input.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no upload ${input.id}` });
    return toUploadView(row);
  }),
});
