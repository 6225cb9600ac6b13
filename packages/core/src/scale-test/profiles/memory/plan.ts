import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";

export const MEMORY_DEFAULT_MIN = 30;
export const QUICK_SOAK_MS = 45_000;
/** The seed's cadence (bars every 10 s, a backtest every 60 s), 10x faster in quick mode. */
export const cadenceScale = (quick: boolean) => (quick ? 0.1 : 1);

export const soakMsOf = (params: RunParams) =>
  params.quick ? QUICK_SOAK_MS : (params.durationMin ?? MEMORY_DEFAULT_MIN) * 60_000;

export const memoryPlan = (params: RunParams): Plan => [
  { name: "setup", ms: 1_000 },
  { name: "soak", ms: soakMsOf(params) },
  // two sampling intervals, so the last samples have landed (10 s default, 1 s quick)
  { name: "collect", ms: params.quick ? 2_000 : 20_000 },
  { name: "verdict", ms: 0 },
];
