import { setTimeout as sleep } from "node:timers/promises";
import type { MiddlewareHandler } from "hono";
import type { FaultRegistry } from "./registry.ts";

const MAX_SLOW_MS = 60_000;

/**
 * The request faults, on the /api routes of the instance they name (admin-only,
 * FAULTS_ENABLED), to show the load profile FAILs when the service is slow or failing:
 * `slow-requests` holds each request `params.ms` before handling it; `error-requests`
 * answers `params.rate` of them 500 INJECTED_FAULT, evenly (a running sum, so 0.05 is
 * exactly every 20th request, not a coin toss).
 */
export const requestFaults = (faults: FaultRegistry): MiddlewareHandler => {
  let owed = 0;
  return async (c, next) => {
    const slow = faults.find("slow-requests");
    const ms = Math.min(MAX_SLOW_MS, Math.max(0, Number(slow?.params.ms ?? 0)));
    if (ms > 0) await sleep(ms);
    const errors = faults.find("error-requests");
    if (errors) {
      owed += Math.min(1, Math.max(0, Number(errors.params.rate ?? 0)));
      if (owed >= 1) {
        owed -= 1;
        return c.json(
          { error: { code: "INJECTED_FAULT", message: "error-requests fault: answered 500" } },
          500,
        );
      }
    } else owed = 0;
    await next();
  };
};
