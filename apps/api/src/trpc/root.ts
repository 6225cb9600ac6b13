import { backtestsRouter } from "./router/backtests.ts";
import { barsRouter } from "./router/bars.ts";
import { calibrationRouter } from "./router/calibration.ts";
import { faultsRouter } from "./router/faults.ts";
import { health } from "./router/health.ts";
import { instancesRouter } from "./router/instances.ts";
import { poolRouter } from "./router/pool.ts";
import { scaleTestRouter } from "./router/scaleTest.ts";
import { snapshotsRouter } from "./router/snapshots.ts";
import { uploadsRouter } from "./router/uploads.ts";
import { workersRouter } from "./router/workers.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  health,
  bars: barsRouter,
  backtests: backtestsRouter,
  scaleTest: scaleTestRouter,
  calibration: calibrationRouter,
  faults: faultsRouter,
  instances: instancesRouter,
  pool: poolRouter,
  snapshots: snapshotsRouter,
  uploads: uploadsRouter,
  workers: workersRouter,
});

export type AppRouter = typeof appRouter;
