import { workersStatus } from "../../workers/status.ts";
import { adminProcedure, router } from "../trpc.ts";

export const workersRouter = router({
  /** Jobs by status and kind, queue ages, workers per instance, healthy | degraded | critical. */
  status: adminProcedure.query(({ ctx }) => workersStatus(ctx.deps)),
});
