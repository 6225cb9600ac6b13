import { constants, type PerformanceEntry } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";

/** What survives a full collection: the figures the leak verdicts trend. */
export interface PostGcReading {
  readonly heapUsed: number;
  /** Compiled code and bytecode (code and trusted spaces): the JIT grows it while warming up. */
  readonly code: number;
  readonly heapTotal: number;
  /** C++ memory bound to JS objects; includes arrayBuffers (every Buffer). */
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
  readonly source: "forced" | "observed";
  /** How long the forced collection paused this process (ms); null when observed. */
  readonly gcMs: number | null;
}

export type PostGcMode = "force" | "observe";

/** Is this gc entry a major collection V8 chose itself (not one we forced)? */
export const isNaturalMajor = (entry: PerformanceEntry): boolean => {
  const detail = (entry as { detail?: { kind?: number; flags?: number } }).detail;
  return (
    ((detail?.kind ?? 0) & constants.NODE_PERFORMANCE_GC_MAJOR) !== 0 &&
    ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) === 0
  );
};

const CODE_SPACES = new Set([
  "code_space",
  "code_large_object_space",
  "trusted_space",
  "trusted_large_object_space",
]);

const usage = (source: PostGcReading["source"], gcMs: number | null): PostGcReading => {
  const m = process.memoryUsage();
  const code = getHeapSpaceStatistics()
    .filter((s) => CODE_SPACES.has(s.space_name))
    .reduce((a, s) => a + s.space_used_size, 0);
  return {
    heapUsed: m.heapUsed,
    code,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    rss: m.rss,
    source,
    gcMs,
  };
};

/**
 * Reads memory right after a full GC, two ways:
 * - force (default where the process runs with --expose-gc, as the local cluster does):
 *   a synchronous full mark-compact at a sample (at most one per `minIntervalMs`), then
 *   process.memoryUsage(). It waits (at most `idleWaitMs`) for a moment with nothing in
 *   flight, so a response being built is not counted as retained. Exact; it costs one
 *   full-GC pause per reading (gcMs, recorded with the sample): ~10-30 ms on this
 *   service's ~50 MB heap on an idle core, ten times that on a starved one, and requests
 *   arriving meanwhile wait for it.
 * - observe (no --expose-gc, or MEMORY_POST_GC=observe): the reading taken when the GC
 *   observer reports a major collection V8 ran by itself. Free, but approximate (the
 *   observer runs a little after the collection, requests may be in flight) and only as
 *   frequent as major GCs: a sample without one since the previous has no reading.
 */
export class PostGcProbe {
  readonly #gc: (() => void) | undefined;
  #observed: PostGcReading | undefined;
  #forcedAt = Number.NEGATIVE_INFINITY;

  private readonly idle: (maxMs: number) => Promise<boolean>;
  /** At most one forced GC per this many ms (samples in between have no reading). */
  private readonly minIntervalMs: number;
  private readonly idleWaitMs: number;
  constructor(
    mode: PostGcMode,
    idle: (maxMs: number) => Promise<boolean>,
    minIntervalMs: number,
    idleWaitMs: number = 250,
  ) {
    this.idle = idle;
    this.minIntervalMs = minIntervalMs;
    this.idleWaitMs = idleWaitMs;
    const gc = (globalThis as { gc?: () => void }).gc;
    this.#gc = mode === "force" ? gc : undefined;
  }

  get source(): PostGcReading["source"] {
    return this.#gc ? "forced" : "observed";
  }

  /** The GC observer saw a collection: keep the reading after a natural major one. */
  onGc(entry: PerformanceEntry): void {
    if (!this.#gc && isNaturalMajor(entry)) this.#observed = usage("observed", null);
  }

  /** A fresh post-GC reading for this sample, or null (observe mode, no major GC since the last one). */
  async read(): Promise<PostGcReading | null> {
    const gc = this.#gc;
    if (gc) {
      // a little slack: samples land on a 1 s tick, so "every 2 s" is every other one
      if (Date.now() - this.#forcedAt < this.minIntervalMs - 250) return null;
      this.#forcedAt = Date.now();
      await this.idle(this.idleWaitMs);
      const started = performance.now();
      gc();
      return usage("forced", Math.round((performance.now() - started) * 100) / 100);
    }
    const observed = this.#observed;
    this.#observed = undefined;
    return observed ?? null;
  }
}
