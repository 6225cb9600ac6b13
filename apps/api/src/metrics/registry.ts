import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Identity } from "../instance/identity.ts";
import { VERSION } from "../instance/version.ts";
import { type CacheMetrics, cacheMetrics } from "./cache.ts";
import { type HttpMetrics, httpMetrics } from "./http.ts";
import { type JobMetrics, jobMetrics } from "./jobs.ts";
import { type ProviderMetrics, providerMetrics } from "./provider.ts";
import { type ShedMetrics, shedMetrics } from "./shedding.ts";

/**
 * One instance's Prometheus metrics: its own registry (never prom-client's global one),
 * every series labelled `instance_id`, Node's runtime metrics (heap, GC, event-loop lag)
 * beside ours. Gauges that read live state (shedding, Redis, the Postgres pool) are
 * attached where that state is created (`observe*`); everything here is in-process, so
 * /metrics answers while Redis or Postgres are down.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  readonly cache: CacheMetrics;
  readonly provider: ProviderMetrics;
  readonly jobs: JobMetrics;
  readonly shed: ShedMetrics;
}

export const createMetrics = (identity: Identity): Metrics => {
  const registry = new Registry();
  registry.setDefaultLabels({ instance_id: identity.instanceId });
  collectDefaultMetrics({ register: registry });
  // A changed boot_id for the same instance_id is a restart (counters start again at 0).
  new Gauge({
    name: "scaleproof_instance_info",
    help: "Always 1; labels name this process's boot and version",
    labelNames: ["boot_id", "version"],
    registers: [registry],
  }).set({ boot_id: identity.bootId, version: VERSION }, 1);
  return {
    registry,
    http: httpMetrics(registry),
    cache: cacheMetrics(registry),
    provider: providerMetrics(registry),
    jobs: jobMetrics(registry),
    shed: shedMetrics(registry),
  };
};
