import { setImmediate as yieldToIo } from "node:timers/promises";
import { Alarm } from "./alarm.ts";
import { arrivalTimes } from "./arrivals.ts";
import { type Exchange, loadPool, send } from "./send.ts";
import { Tally } from "./tally.ts";
import type { LevelOptions, LevelResult } from "./types.ts";
import type { LoadRequest } from "./workload.ts";

interface Pending {
  readonly req: LoadRequest;
  readonly intended: number;
  exchange?: Exchange;
  done: boolean;
}

const TIMED_OUT = new Error("timed out");
const STOPPED = new Error("level stopped");

/** Fires due arrivals in runs of at most this many before letting answers in. */
const BURST = 64;

/**
 * One load level, open loop, on the runner instance: arrivals at `rate` for `durationMs`,
 * each sent at its intended time whatever earlier requests are doing (a slow service
 * never slows the schedule), its latency measured from that intended time. Requests go
 * over one keep-alive undici Pool of `connections`; when all are busy a request waits in
 * the pool's queue and that wait counts. At most `maxInFlight` are held by the pool
 * (including given-up ones still queued there); an arrival beyond that is `dropped`. The level ends by itself: after `durationMs`
 * answers are awaited for `drainMs`, then whatever is left is counted in flight and
 * aborted. `signal` stops it at once, with the accounting so far.
 *
 * A level one process cannot generate (`scheduleLagMs` grows, or a closed-loop probe of
 * this process tops out below the rate) is split across runner processes: each of k
 * instances runs the same level at rate/k with its own Poisson seed (the superposition
 * of independent Poisson processes is Poisson at the summed rate) and a disjoint
 * workload seed; their counts add and their histograms merge exactly (HDR `add` on the
 * decoded exports), so the verdict is judged on the union. Not built yet.
 */
export const runLevel = async (o: LevelOptions): Promise<LevelResult> => {
  const connections = o.connections ?? 32;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const drainMs = o.drainMs ?? timeoutMs;
  const maxInFlight =
    o.maxInFlight ??
    Math.min(10_000, Math.max(connections, Math.ceil((o.rate * timeoutMs) / 1000)));
  const pool = loadPool(o.target, connections);
  const tally = new Tally();
  const jobIds: string[] = [];
  const pending = new Set<Pending>(); // unsettled, in intended order: arrivals fire in order
  let held = 0; // requests the pool holds (until it calls back), settled or not
  const alarm = new Alarm(o.signal);
  const settle = (p: Pending) => {
    p.done = true;
    pending.delete(p);
    if (pending.size === 0) alarm.wake();
  };
  const expire = () => {
    const now = performance.now();
    for (const p of pending) {
      if (now - p.intended < timeoutMs) break;
      settle(p);
      tally.onTimeout(timeoutMs);
      p.exchange?.abort(TIMED_OUT);
    }
  };
  const t0 = performance.now();
  const fire = (offsetMs: number) => {
    tally.scheduled++;
    if (held >= maxInFlight) {
      tally.dropped++;
      return;
    }
    const p: Pending = { req: o.workload.next(), intended: t0 + offsetMs, done: false };
    pending.add(p);
    held++;
    tally.onSent(p.req.kind, performance.now() - p.intended);
    p.exchange = send(pool, p.req, o.headersFor, (outcome, by) => {
      held--;
      // acknowledged is acknowledged: the queue holds the job, however late the answer
      if (outcome.kind === "answered" && outcome.jobId !== undefined) jobIds.push(outcome.jobId);
      if (p.done) return;
      const latency = performance.now() - p.intended;
      settle(p);
      if (latency >= timeoutMs) tally.onTimeout(timeoutMs);
      else tally.onOutcome(p.req.kind, outcome, latency, by);
    });
  };

  const sweep = setInterval(expire, Math.min(100, Math.max(5, timeoutMs / 20)));
  try {
    const times = arrivalTimes(o.rate, o.durationMs, o.arrival);
    let next = times.next();
    let burst = 0;
    while (!next.done && !alarm.aborted) {
      const due = t0 + next.value - performance.now();
      if (due > 0) {
        burst = 0;
        await alarm.sleep(due);
      } else if (++burst > BURST) {
        burst = 0;
        await yieldToIo();
      } else {
        fire(next.value);
        next = times.next();
      }
    }
    // The level holds its whole window, however early its last arrival came.
    while (!alarm.aborted && performance.now() < t0 + o.durationMs) {
      await alarm.sleep(t0 + o.durationMs - performance.now());
    }
    const elapsedMs = alarm.aborted ? Math.min(o.durationMs, performance.now() - t0) : o.durationMs;
    const drainUntil = t0 + o.durationMs + drainMs;
    while (!alarm.aborted && pending.size > 0 && performance.now() < drainUntil) {
      await alarm.sleep(drainUntil - performance.now());
      expire();
    }
    expire();
    const now = performance.now();
    for (const p of pending) {
      settle(p);
      tally.onStillInFlight(now - p.intended);
      p.exchange?.abort(STOPPED);
    }
    return {
      ...tally.result({
        offeredRate: o.rate,
        durationMs: o.durationMs,
        elapsedMs,
        aborted: alarm.aborted,
        connections,
        maxInFlight,
        timeoutMs,
      }),
      jobIds,
    };
  } finally {
    clearInterval(sweep);
    alarm.dispose();
    await pool.destroy().catch(() => undefined);
  }
};
