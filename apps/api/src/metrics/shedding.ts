import { Counter, Gauge, type Registry } from "prom-client";
import type { LoadShedder } from "../memory/shedder.ts";

export interface ShedMetrics {
  /** Heavy requests answered 503 MEMORY_PRESSURE (REST and tRPC). */
  readonly requests: Counter;
}

export const shedMetrics = (registry: Registry): ShedMetrics => ({
  requests: new Counter({
    name: "scaleproof_shed_requests_total",
    help: "Heavy requests (bars, enqueue) refused with 503 MEMORY_PRESSURE",
    registers: [registry],
  }),
});

/** The shedder's state, read at each scrape (in-process, at most 100 ms old). */
export const observeShedder = (registry: Registry, shedder: LoadShedder): void => {
  new Gauge({
    name: "scaleproof_shed_active",
    help: "1 while heavy endpoints are shed (heap pressure or event-loop delay), else 0",
    registers: [registry],
    collect() {
      this.set(shedder.state().shedding ? 1 : 0);
    },
  });
  new Gauge({
    name: "scaleproof_shed_pressure_ratio",
    help: "Heap pressure the shedder judges: heapUsed / heap_size_limit (basis=heapLimit) or / heapTotal",
    labelNames: ["basis"],
    registers: [registry],
    collect() {
      const s = shedder.state();
      this.set({ basis: s.basis }, s.pressure);
    },
  });
  const thresholds = new Gauge({
    name: "scaleproof_shed_threshold_ratio",
    help: "Shedding starts above edge=high and stops below edge=low (hysteresis)",
    labelNames: ["edge"],
    registers: [registry],
  });
  thresholds.set({ edge: "high" }, shedder.thresholds.high);
  thresholds.set({ edge: "low" }, shedder.thresholds.low);
};
