import { adminProblem } from "../../auth/admin.ts";
import { checkHealth } from "../../instance/health.ts";
import { publicProcedure } from "../trpc.ts";

/** Public: ok/degraded only. An admin gets the details (dependencies, memory, boot). */
export const health = publicProcedure.query(async ({ ctx }) => {
  const h = await checkHealth(ctx.deps);
  return adminProblem(ctx.principal) ? { status: h.status } : h;
});
