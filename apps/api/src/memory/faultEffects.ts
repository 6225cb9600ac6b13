import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Logger } from "pino";
import type { ActiveFault } from "../faults/catalog.ts";
import type { FaultRegistry } from "../faults/registry.ts";
import type { LoadShedder } from "./shedder.ts";

const MB = 1024 * 1024;
const KB = 1024;
const CHECK_MS = 200;
const CHUNK = MB;

/** `bytes` of V8 heap (not external memory): plain arrays of doubles, 1 MB at most each. */
const heapBytes = (bytes: number): number[][] => {
  const out: number[][] = [];
  for (let left = bytes; left >= 8; left -= CHUNK) {
    out.push(new Array<number>(Math.floor(Math.min(left, CHUNK) / 8)).fill(Math.random()));
  }
  return out;
};

/**
 * Off-heap chunks as large as glibc always maps on their own (above its largest dynamic
 * mmap threshold, 32 MB): freed, they go back to the OS at once, so rss falls when the
 * ballast is released. Smaller chunks come from malloc's arenas, whose freed pages a
 * process may keep, and rss-based shedding would then never see the recovery.
 */
const OFF_HEAP_CHUNK = 48 * MB;

/** `bytes` outside the V8 heap: Buffers, written to so their pages count in rss. */
const offHeapBytes = (bytes: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let left = bytes; left >= 1; left -= OFF_HEAP_CHUNK) {
    out.push(Buffer.alloc(Math.min(left, OFF_HEAP_CHUNK), 1));
  }
  return out;
};

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/** A leak: retains a steady rate (bytes per second, carried over between ticks) until cleared. */
class Leak<T> {
  held: T[] = [];
  #carry = 0;
  #last = Date.now();

  private readonly make: (bytes: number) => T[];
  constructor(make: (bytes: number) => T[]) {
    this.make = make;
  }

  tick(bytesPerSec: number, now: number): void {
    this.#carry += (bytesPerSec * (now - this.#last)) / 1000;
    this.#last = now;
    if (this.#carry < KB) return;
    const bytes = Math.floor(this.#carry / KB) * KB;
    this.held.push(...this.make(bytes));
    this.#carry -= bytes;
  }

  retain(bytes: number): void {
    this.held.push(...this.make(bytes));
  }

  /** Drops everything; true when something was held. */
  release(now: number): boolean {
    const had = this.held.length > 0;
    this.held = [];
    this.#carry = 0;
    this.#last = now;
    return had;
  }
}

/**
 * The memory faults, on the instances they name (admin-only, FAULTS_ENABLED):
 * - `ballast` holds memory until cleared: params.mb MB, or enough to bring this
 *   instance's pressure (the shedder's measure: the tighter of the heap and rss bounds)
 *   to params.toPressure (0-1) or to params.aboveShedBy above its shedding line, sized
 *   once when armed, after a full GC where --expose-gc allows; V8 heap by default,
 *   Buffers with params.offHeap.
 * - `leak` retains params.kbPerSec KB of V8 heap every second, in KB-sized steps.
 * - `leak-offheap` retains Buffers (outside the V8 heap: external, arrayBuffers, rss):
 *   params.kbPerSec every second and/or params.kbPerRequest for every request begun.
 * On release the references are dropped and, with --expose-gc (the local cluster), a
 * GC is asked for so the recovery is observed promptly.
 */
export class MemoryFaultEffects {
  #ballast: unknown[] = [];
  #ballastSetAt: string | undefined;
  readonly #leak = new Leak(heapBytes);
  readonly #offHeap = new Leak(offHeapBytes);
  readonly #timer: NodeJS.Timeout;
  readonly #onRequest = () => {
    const kb = num(this.faults.find("leak-offheap")?.params.kbPerRequest);
    if (kb > 0) this.#offHeap.retain(kb * KB);
  };

  private readonly faults: FaultRegistry;
  private readonly log: Logger;
  private readonly shedder: LoadShedder;
  constructor(faults: FaultRegistry, log: Logger, shedder: LoadShedder) {
    this.faults = faults;
    this.log = log;
    this.shedder = shedder;
    this.#timer = setInterval(() => this.#apply(), CHECK_MS);
    this.#timer.unref();
    subscribe("http.server.request.start", this.#onRequest);
  }

  #apply(): void {
    const now = Date.now();
    this.#applyBallast(this.faults.find("ballast"));
    const leak = this.faults.find("leak");
    if (leak) this.#leak.tick(num(leak.params.kbPerSec) * KB, now);
    else if (this.#leak.release(now)) this.#released("fault_leak_released", "FAULT leak released");
    const offHeap = this.faults.find("leak-offheap");
    if (offHeap) this.#offHeap.tick(num(offHeap.params.kbPerSec) * KB, now);
    else if (this.#offHeap.release(now)) {
      this.#released("fault_leak_offheap_released", "FAULT leak-offheap released");
    }
  }

  #applyBallast(fault: ActiveFault | undefined): void {
    if (fault?.setAt === this.#ballastSetAt) return;
    const had = this.#ballast.length > 0;
    this.#ballast = [];
    this.#ballastSetAt = fault?.setAt;
    if (!fault) {
      if (had) this.#released("fault_ballast_released", "FAULT ballast released");
      return;
    }
    const offHeap = fault.params.offHeap === true;
    const bytes = this.#ballastBytes(fault, offHeap);
    this.#ballast = offHeap ? offHeapBytes(bytes) : heapBytes(bytes);
    this.log.warn(
      {
        event: "fault_ballast",
        mb: Math.round(bytes / MB),
        offHeap,
        pressure: this.shedder.pressureNow(),
      },
      "FAULT ballast: holding memory",
    );
  }

  /**
   * params.mb, or what brings pressure to params.toPressure, or to params.aboveShedBy
   * above this instance's shedding line (at most 0.95); 0 when it is already there.
   */
  #ballastBytes(fault: ActiveFault, offHeap: boolean): number {
    const mb = num(fault.params.mb);
    const above = num(fault.params.aboveShedBy);
    const target =
      num(fault.params.toPressure) ||
      (above > 0 ? Math.min(0.95, this.shedder.thresholds.high + above) : 0);
    if (mb > 0 || target === 0) return Math.round(mb * MB);
    this.#collect();
    const m = this.shedder.read();
    const rss = m.memoryLimit === null ? Number.POSITIVE_INFINITY : target * m.memoryLimit - m.rss;
    const heap = offHeap ? Number.POSITIVE_INFINITY : target * m.heapDenominator - m.heapUsed;
    const need = Math.min(rss, heap);
    return Number.isFinite(need) ? Math.max(0, Math.ceil(need)) : 0;
  }

  #released(event: string, message: string): void {
    this.log.warn({ event }, message);
    this.#collect();
  }

  #collect(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
  }

  close(): void {
    clearInterval(this.#timer);
    unsubscribe("http.server.request.start", this.#onRequest);
  }
}
