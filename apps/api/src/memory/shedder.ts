import { getHeapStatistics } from "node:v8";

export interface ShedOptions {
  readonly basis: "heapLimit" | "heapTotal";
  readonly high: number;
  readonly low: number;
  readonly eventLoopP99Ms?: number | undefined;
}

export interface PressureState {
  readonly pressure: number;
  readonly basis: "heapLimit" | "heapTotal";
  readonly shedding: boolean;
  readonly reason: "memory" | "event-loop" | null;
}

const RECHECK_MS = 100;

/**
 * Heavy endpoints answer 503 MEMORY_PRESSURE while heap pressure stays above `high`,
 * and serve again once it falls below `low` (hysteresis, so it does not flap at the
 * line). Re-evaluated at most every 100 ms, from the request path.
 */
export class LoadShedder {
  #state: PressureState;
  #checkedAt = 0;
  #eventLoopP99Ms: number | null = null;
  readonly #heapLimit = getHeapStatistics().heap_size_limit;

  constructor(private readonly options: ShedOptions) {
    if (options.low >= options.high) throw new Error("SHED_LOW must be below SHED_HIGH");
    this.#state = { pressure: 0, basis: options.basis, shedding: false, reason: null };
    this.evaluate();
  }

  /** The sampler reports the event loop's p99 delay each interval. */
  reportEventLoopP99(ms: number | null): void {
    this.#eventLoopP99Ms = ms;
  }

  pressureNow(): number {
    const m = process.memoryUsage();
    return m.heapUsed / (this.options.basis === "heapLimit" ? this.#heapLimit : m.heapTotal);
  }

  evaluate(): PressureState {
    const pressure = this.pressureNow();
    const eld = this.options.eventLoopP99Ms;
    const eldHot = eld !== undefined && this.#eventLoopP99Ms !== null && this.#eventLoopP99Ms > eld;
    const was = this.#state.shedding && this.#state.reason === "memory";
    const memory = was ? pressure >= this.options.low : pressure > this.options.high;
    this.#state = {
      pressure: Math.round(pressure * 10_000) / 10_000,
      basis: this.options.basis,
      shedding: memory || eldHot,
      reason: memory ? "memory" : eldHot ? "event-loop" : null,
    };
    this.#checkedAt = Date.now();
    return this.#state;
  }

  state(): PressureState {
    return Date.now() - this.#checkedAt >= RECHECK_MS ? this.evaluate() : this.#state;
  }

  get thresholds() {
    return { high: this.options.high, low: this.options.low };
  }
}
