import type { Verdict } from "./decide.ts";

/** Counters of one instance's ingest since it booted (snapshots.stats shows them). */
export class IngestStats {
  calls = 0;
  snapshots = 0;
  stored = 0;
  duplicates = 0;
  /** Calls refused with 409 (their snapshots count in `conflictedSnapshots`). */
  conflicts = 0;
  conflictedSnapshots = 0;
  flushes = 0;
  failedFlushes = 0;
  raceRetries = 0;
  /** FAULT ingest-ack-before-flush: snapshots answered before any flush. */
  ackedBeforeFlush = 0;
  /** Of those, calls whose flush then failed: acknowledged and lost. */
  lostAfterAck = 0;
  lastFlush: { at: string; rows: number; durationMs: number; lagMs: number } | null = null;
  maxFlushLagMs = 0;

  received(n: number): void {
    this.calls += 1;
    this.snapshots += n;
  }

  ackedEarly(n: number): void {
    this.ackedBeforeFlush += n;
  }

  /** A flush committed `rows` rows in `durationMs`; its oldest call had waited `lagMs`. */
  flushed(rows: number, durationMs: number, lagMs: number): void {
    this.flushes += 1;
    this.lastFlush = {
      at: new Date().toISOString(),
      rows,
      durationMs: Math.round(durationMs * 10) / 10,
      lagMs: Math.round(lagMs * 10) / 10,
    };
    this.maxFlushLagMs = Math.max(this.maxFlushLagMs, this.lastFlush.lagMs);
  }

  decided(v: Verdict, n: number): void {
    if (v.kind === "conflict") {
      this.conflicts += 1;
      this.conflictedSnapshots += n;
      return;
    }
    for (const o of v.outcomes) {
      if (o === "stored") this.stored += 1;
      else this.duplicates += 1;
    }
  }

  flushFailed(earlyAckedCalls: number): void {
    this.failedFlushes += 1;
    this.lostAfterAck += earlyAckedCalls;
  }

  raceRetried(): void {
    this.raceRetries += 1;
  }

  totals() {
    const { lastFlush, maxFlushLagMs, ...counters } = this;
    return { counters: { ...counters }, lastFlush, maxFlushLagMs };
  }
}
