import { barsRouter } from "./router/bars.ts";
import { health } from "./router/health.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  health,
  bars: barsRouter,
});

export type AppRouter = typeof appRouter;
