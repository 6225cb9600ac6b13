import { checkHealth } from "../../instance/health.ts";
import { publicProcedure } from "../trpc.ts";

export const health = publicProcedure.query(({ ctx }) => checkHealth(ctx.deps));
