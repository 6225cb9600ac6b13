import { encodeLatency, latencyHistogram, recordMs, summariseLatency } from "./latency.ts";
import type { Outcome, ServedBy } from "./send.ts";
import type { LevelResult } from "./types.ts";
import type { RequestKind } from "./workload.ts";

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/**
 * One level's accounting. Invariants: scheduled = sent + dropped, and
 * sent = answered + failed + shed + timedOut + inFlight.
 * The latency histogram holds every answered request (from its intended send time) and,
 * at a lower bound, every request the service did not answer in time: a timed-out one at
 * `timeoutMs`, one still in flight at the end at its age then. So a slow service can never
 * make the percentiles look better by not answering. Failures and 503s are counted, not
 * timed: a fast refusal must not pull the percentiles down.
 */
export class Tally {
  scheduled = 0;
  dropped = 0;
  sent = 0;
  answered = 0;
  failed = 0;
  shed = 0;
  timedOut = 0;
  inFlight = 0;
  readonly latency = latencyHistogram();
  readonly lag = latencyHistogram();
  readonly byKind: Record<string, { sent: number; answered: number }> = {};
  readonly statuses: Record<string, number> = {};
  readonly shedCodes: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  readonly byInstance: Record<
    string,
    { bootIds: string[]; answered: number; failed: number; shed: number }
  > = {};

  onSent(kind: RequestKind, lagMs: number): void {
    this.sent++;
    recordMs(this.lag, lagMs);
    const k = this.byKind[kind] ?? { sent: 0, answered: 0 };
    k.sent++;
    this.byKind[kind] = k;
  }

  onOutcome(kind: RequestKind, outcome: Outcome, latencyMs: number, by?: ServedBy | null): void {
    if (by) {
      const i = this.byInstance[by.instanceId] ?? { bootIds: [], answered: 0, failed: 0, shed: 0 };
      if (by.bootId !== null && !i.bootIds.includes(by.bootId)) i.bootIds.push(by.bootId);
      i[outcome.kind === "answered" ? "answered" : outcome.kind === "shed" ? "shed" : "failed"]++;
      this.byInstance[by.instanceId] = i;
    }
    if (outcome.kind !== "error")
      bump(this.statuses, String(outcome.kind === "shed" ? 503 : outcome.status));
    if (outcome.kind === "answered") {
      this.answered++;
      recordMs(this.latency, latencyMs);
      const k = this.byKind[kind];
      if (k) k.answered++;
    } else if (outcome.kind === "shed") {
      this.shed++;
      bump(this.shedCodes, outcome.code);
    } else {
      this.failed++;
      if (outcome.kind === "error") bump(this.errors, outcome.reason);
    }
  }

  onTimeout(timeoutMs: number): void {
    this.timedOut++;
    recordMs(this.latency, timeoutMs);
  }

  onStillInFlight(ageMs: number): void {
    this.inFlight++;
    recordMs(this.latency, ageMs);
  }

  result(level: {
    readonly offeredRate: number;
    readonly durationMs: number;
    readonly elapsedMs: number;
    readonly aborted: boolean;
    readonly connections: number;
    readonly maxInFlight: number;
    readonly timeoutMs: number;
  }): LevelResult {
    const { scheduled, dropped, sent, answered, failed, shed, timedOut, inFlight } = this;
    const lag = summariseLatency(this.lag);
    return {
      ...level,
      counts: { scheduled, dropped, sent, answered, failed, shed, timedOut, inFlight },
      achievedRate: level.elapsedMs > 0 ? answered / (level.elapsedMs / 1000) : 0,
      errorRate: scheduled > 0 ? 1 - answered / scheduled : 0,
      latencyMs: summariseLatency(this.latency),
      scheduleLagMs: { p50: lag.p50, p95: lag.p95, p99: lag.p99, max: lag.max },
      histogram: encodeLatency(this.latency),
      byKind: this.byKind,
      statuses: this.statuses,
      shedCodes: this.shedCodes,
      errors: this.errors,
      byInstance: this.byInstance,
    };
  }
}
