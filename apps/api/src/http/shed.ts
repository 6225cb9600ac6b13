import type { Context, Next } from "hono";
import type { InstanceDeps } from "../deps.ts";
import { sendFailure } from "../edge/rest.ts";
import { MemoryPressure } from "../memory/errors.ts";
import { bumpRunCounters } from "../runs/counters.ts";
import { runEvidenceOf } from "./evidence.ts";

export const SHED_RETRY_AFTER_SEC = 2;

/** The 503 a heavy endpoint answers under pressure (REST and tRPC say the same). */
export const shedMessage = (deps: InstanceDeps) => {
  const s = deps.shedder.state();
  return `${s.reason === "event-loop" ? "event-loop delay" : s.bound === "rss" ? `rss pressure ${s.pressure} (container limit)` : `heap pressure ${s.pressure} (${s.basis})`} is above the shedding threshold ${deps.shedder.thresholds.high}; retry after ${SHED_RETRY_AFTER_SEC} s`;
};

export const shedError = (deps: InstanceDeps) =>
  new MemoryPressure({ message: shedMessage(deps), retryAfterSec: SHED_RETRY_AFTER_SEC });

/** Counts a shed request (Prometheus), and against its scale-test run if it carries one. */
export const countShed = async (deps: InstanceDeps, runId: string | null | undefined) => {
  deps.metrics.shed.requests.inc();
  if (runId) await bumpRunCounters(deps.redis, runId, ["shed"]).catch(() => {});
};

/** Whether heavy requests are refused right now (the `shed-off` fault switches that off). */
export const sheddingNow = (deps: InstanceDeps): boolean =>
  deps.shedder.state().shedding && !deps.faults.isOn("shed-off");

/**
 * Guard for heavy endpoints (bars, backtest enqueue): under memory pressure they answer
 * `503 {code: "MEMORY_PRESSURE"}` with Retry-After instead of risking the process.
 * Light endpoints (health, status, results) never pass through here.
 */
export const shedHeavy = (deps: InstanceDeps) => async (c: Context, next: Next) => {
  if (!sheddingNow(deps)) return next();
  const run = await runEvidenceOf(deps, c.req.raw);
  await countShed(deps, run.ok ? run.runId : undefined);
  return sendFailure(c, deps.log, shedError(deps));
};
