import type { Logger } from "pino";
import type { FaultRegistry } from "../faults/registry.ts";

const MB = 1024 * 1024;
const CHECK_MS = 200;

/** ~1 MB of V8 heap (not external memory): a plain array of doubles. */
const heapMegabyte = () => new Array<number>(MB / 8).fill(Math.random());

/**
 * The memory faults, on the instance they name (admin-only, FAULTS_ENABLED):
 * `ballast` holds params.mb of heap until cleared; `leak` retains params.kbPerSec of
 * heap every second until cleared. On release the references are dropped and, when
 * the process runs with --expose-gc (the local cluster), a GC is asked for so the
 * recovery is observed promptly.
 */
export class MemoryFaultEffects {
  #ballast: number[][] = [];
  #leaked: number[][] = [];
  #leakCarry = 0;
  #lastLeakAt = Date.now();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly faults: FaultRegistry,
    private readonly log: Logger,
  ) {
    this.#timer = setInterval(() => this.#apply(), CHECK_MS);
    this.#timer.unref();
  }

  get heldMb(): number {
    return this.#ballast.length + this.#leaked.length;
  }

  #apply(): void {
    const ballast = this.faults.find("ballast");
    const wantMb = ballast ? Number(ballast.params.mb ?? 0) : 0;
    if (wantMb > this.#ballast.length) {
      while (this.#ballast.length < wantMb) this.#ballast.push(heapMegabyte());
      this.log.warn({ event: "fault_ballast", mb: wantMb }, "FAULT ballast: holding heap");
    } else if (!ballast && this.#ballast.length > 0) {
      this.#ballast = [];
      this.log.warn({ event: "fault_ballast_released" }, "FAULT ballast released");
      this.#collect();
    }
    const leak = this.faults.find("leak");
    const now = Date.now();
    if (leak) {
      this.#leakCarry +=
        (Number(leak.params.kbPerSec ?? 0) * (now - this.#lastLeakAt)) / 1000 / 1024;
      while (this.#leakCarry >= 1) {
        this.#leaked.push(heapMegabyte());
        this.#leakCarry -= 1;
      }
    } else if (this.#leaked.length > 0) {
      this.#leaked = [];
      this.#leakCarry = 0;
      this.log.warn({ event: "fault_leak_released" }, "FAULT leak released");
      this.#collect();
    }
    this.#lastLeakAt = now;
  }

  #collect(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
