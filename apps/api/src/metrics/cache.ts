import { StampedeTimeout } from "@scaleproof/core/bars/errors";
import { Counter, type Registry } from "prom-client";

/** How one lookup was answered (SharedCache's CacheResult has these fields). */
export interface Served {
  readonly outcome: "HIT" | "MISS" | "WAIT";
  readonly coalesced: boolean;
  readonly takeover: boolean;
}

/** What SharedCache reports about each `get`: how it was answered, or that it failed. */
export interface CacheMetrics {
  served(r: Served): void;
  failed(error: unknown): void;
}

export const cacheMetrics = (registry: Registry): CacheMetrics => {
  const requests = new Counter({
    name: "scaleproof_cache_requests_total",
    help: "Shared-cache lookups by outcome: HIT (stored value), MISS (this instance fetched), WAIT (released by another's fill), ERROR (failed: upstream error, stampede timeout, Redis down)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const coalesced = new Counter({
    name: "scaleproof_cache_coalesced_total",
    help: "Lookups answered by a request for the same key already in flight on this instance (single-flight), without touching Redis",
    registers: [registry],
  });
  const takeovers = new Counter({
    name: "scaleproof_cache_takeovers_total",
    help: "Fetches by a waiter that took over the lease of a holder whose lease expired",
    registers: [registry],
  });
  const stampedeTimeouts = new Counter({
    name: "scaleproof_cache_stampede_timeouts_total",
    help: "Waiters whose budget ran out before the fill (503 STAMPEDE_TIMEOUT)",
    registers: [registry],
  });
  // Known label values start at 0, so a dashboard sees the series before the first event.
  for (const outcome of ["HIT", "MISS", "WAIT", "ERROR"]) requests.inc({ outcome }, 0);
  return {
    served(r) {
      requests.inc({ outcome: r.outcome });
      if (r.coalesced) coalesced.inc();
      if (r.takeover) takeovers.inc();
    },
    failed(error) {
      requests.inc({ outcome: "ERROR" });
      if (error instanceof StampedeTimeout) stampedeTimeouts.inc();
    },
  };
};
