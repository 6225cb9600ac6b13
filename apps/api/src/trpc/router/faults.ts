import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { FAULT_DESCRIPTIONS, FAULT_NAMES, faultInput } from "../../faults/catalog.ts";
import { adminProcedure, router } from "../trpc.ts";

/** Fault injection: admin-only, and refused unless this deployment enabled it (FAULTS_ENABLED). */
const faultProcedure = adminProcedure.use(({ ctx, next }) => {
  if (!ctx.deps.env.FAULTS_ENABLED) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "fault injection is disabled on this deployment (FAULTS_ENABLED is not set)",
    });
  }
  return next();
});

export const faultsRouter = router({
  list: adminProcedure.query(({ ctx }) => ({
    enabled: ctx.deps.env.FAULTS_ENABLED,
    available: FAULT_NAMES.map((name) => ({ name, description: FAULT_DESCRIPTIONS[name] })),
    active: ctx.deps.faults.list(),
  })),
  set: faultProcedure.input(faultInput).mutation(({ ctx, input }) => ctx.deps.faults.set(input)),
  clear: faultProcedure
    .input(z.strictObject({ name: z.enum(FAULT_NAMES).optional() }).default({}))
    .mutation(({ ctx, input }) => ctx.deps.faults.clear(input.name)),
});
