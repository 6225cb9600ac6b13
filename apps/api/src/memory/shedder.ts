import { heapLimit, rssBudget } from "./limits.ts";

export interface ShedOptions {
  readonly basis: "heapLimit" | "heapTotal";
  readonly high: number;
  readonly low: number;
  readonly eventLoopP99Ms?: number | undefined;
  /**
   * The rss budget in MB (the platform kills the process above it): unset reads the
   * container's limit (cgroup memory.max), 0 judges the V8 heap alone.
   */
  readonly memoryLimitMb?: number | undefined;
}

/** The figures pressure is computed from, read together. */
export interface MemoryReading {
  readonly heapUsed: number;
  /** heap_size_limit (basis heapLimit) or heapTotal (basis heapTotal). */
  readonly heapDenominator: number;
  readonly rss: number;
  /** The rss budget; null when none is known or it is turned off. */
  readonly memoryLimit: number | null;
}

export interface PressureState {
  /** The tighter of the two bounds: max(heap pressure, rss pressure). */
  readonly pressure: number;
  readonly basis: "heapLimit" | "heapTotal";
  /** Which bound set `pressure`: the V8 heap, or rss against the container's limit. */
  readonly bound: "heap" | "rss";
  readonly heapPressure: number;
  readonly rssPressure: number | null;
  readonly memoryLimit: number | null;
  readonly shedding: boolean;
  readonly reason: "memory" | "event-loop" | null;
}

const RECHECK_MS = 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Heap pressure and rss pressure of one reading; the larger one binds. */
export const pressureOf = (m: MemoryReading) => {
  const heap = m.heapUsed / m.heapDenominator;
  const rss = m.memoryLimit === null ? null : m.rss / m.memoryLimit;
  return {
    heap,
    rss,
    pressure: Math.max(heap, rss ?? 0),
    bound: rss !== null && rss > heap ? "rss" : "heap",
  } as const;
};

/**
 * Heavy endpoints answer 503 MEMORY_PRESSURE while memory pressure stays above `high`,
 * and serve again once it falls below `low` (hysteresis, so it does not flap at the
 * line). Pressure is the tighter of two bounds: heapUsed against V8's heap limit (past
 * it the process dies of a V8 OOM) and rss against the container's limit (past it the
 * platform OOM-kills the process, and Buffers and other memory outside the V8 heap
 * count there). Re-evaluated at most every 100 ms, from the request path.
 */
export class LoadShedder {
  #state: PressureState;
  #checkedAt = 0;
  #eventLoopP99Ms: number | null = null;
  readonly #heapLimit = heapLimit();
  readonly #memoryLimit: number | null;

  private readonly options: ShedOptions;
  constructor(options: ShedOptions) {
    this.options = options;
    if (options.low >= options.high) throw new Error("SHED_LOW must be below SHED_HIGH");
    this.#memoryLimit = rssBudget(options.memoryLimitMb);
    this.#state = {
      pressure: 0,
      basis: options.basis,
      bound: "heap",
      heapPressure: 0,
      rssPressure: null,
      memoryLimit: this.#memoryLimit,
      shedding: false,
      reason: null,
    };
    this.evaluate();
  }

  /** The sampler reports the event loop's p99 delay each interval. */
  reportEventLoopP99(ms: number | null): void {
    this.#eventLoopP99Ms = ms;
  }

  read(): MemoryReading {
    const m = process.memoryUsage();
    return {
      heapUsed: m.heapUsed,
      heapDenominator: this.options.basis === "heapLimit" ? this.#heapLimit : m.heapTotal,
      rss: m.rss,
      memoryLimit: this.#memoryLimit,
    };
  }

  pressureNow(): number {
    return pressureOf(this.read()).pressure;
  }

  evaluate(): PressureState {
    const p = pressureOf(this.read());
    const eld = this.options.eventLoopP99Ms;
    const eldHot = eld !== undefined && this.#eventLoopP99Ms !== null && this.#eventLoopP99Ms > eld;
    const was = this.#state.shedding && this.#state.reason === "memory";
    const memory = was ? p.pressure >= this.options.low : p.pressure > this.options.high;
    this.#state = {
      pressure: r4(p.pressure),
      basis: this.options.basis,
      bound: p.bound,
      heapPressure: r4(p.heap),
      rssPressure: p.rss === null ? null : r4(p.rss),
      memoryLimit: this.#memoryLimit,
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

  get memoryLimit(): number | null {
    return this.#memoryLimit;
  }
}
