import { loadPool, sendOne } from "./send.ts";
import { Tally } from "./tally.ts";
import type { HeadersFor, LevelResult } from "./types.ts";
import type { Workload } from "./workload.ts";

/**
 * `loops` closed loops for `durationMs`: each sends its next request when the previous
 * one is answered. This measures the most one runner process can generate (its ceiling
 * for open-loop levels), not a service's latency: a closed loop waits for slow answers
 * and so under-reports them (coordinated omission), which is why levels are open loop.
 * `offeredRate` is 0 (nothing is offered); `achievedRate` is answered per second.
 */
export const runClosedLoop = async (o: {
  readonly target: string;
  readonly loops: number;
  readonly connections?: number;
  readonly durationMs: number;
  readonly workload: Workload;
  readonly headersFor?: HeadersFor;
  readonly signal?: AbortSignal;
  /** A request still unanswered this long after the run's end is abandoned (default 10 s). */
  readonly timeoutMs?: number;
}): Promise<LevelResult> => {
  const connections = o.connections ?? o.loops;
  const pool = loadPool(o.target, connections);
  const tally = new Tally();
  const t0 = performance.now();
  const end = t0 + o.durationMs;
  const stop = () => void pool.destroy().catch(() => undefined);
  o.signal?.addEventListener("abort", stop, { once: true });
  // Bounded in time whatever the server does: the pool has no per-request timers
  // (loadPool), so a request still unanswered past the end plus the timeout is torn down.
  const timeoutMs = o.timeoutMs ?? 10_000;
  const deadline = setTimeout(stop, o.durationMs + timeoutMs);
  const loop = async () => {
    while (performance.now() < end && !o.signal?.aborted) {
      const req = o.workload.next();
      const start = performance.now();
      tally.scheduled++;
      tally.onSent(req.kind, 0);
      const outcome = await sendOne(pool, req, o.headersFor);
      tally.onOutcome(req.kind, outcome, performance.now() - start);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.loops }, loop));
    return tally.result({
      offeredRate: 0,
      durationMs: o.durationMs,
      elapsedMs: performance.now() - t0,
      aborted: o.signal?.aborted ?? false,
      connections,
      maxInFlight: o.loops,
      timeoutMs,
    });
  } finally {
    clearTimeout(deadline);
    o.signal?.removeEventListener("abort", stop);
    await pool.destroy().catch(() => undefined);
  }
};
