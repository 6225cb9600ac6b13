import { findSnapshotHashes } from "@scaleproof/db/queries/findSnapshotHashes";
import { insertSnapshots, type SnapshotRow } from "@scaleproof/db/queries/insertSnapshots";
import type { InstanceDeps } from "../deps.ts";
import { ingestCrash } from "../faults/ingestCrash.ts";
import type { Snapshot } from "./contract.ts";
import { decide, type Outcome, type Verdict } from "./decide.ts";
import { IngestBacklogged, SnapshotConflict } from "./errors.ts";
import { contentHash } from "./hash.ts";
import { IngestStats } from "./stats.ts";

interface Entry {
  readonly snapshots: readonly Snapshot[];
  readonly ids: readonly string[];
  readonly hashes: readonly string[];
  readonly runId: string | null;
  /** performance.now() when it arrived: flush lag is measured from here to the commit. */
  readonly at: number;
  /** FAULT ingest-ack-before-flush: already answered, nobody waits for this flush. */
  readonly ackedEarly: boolean;
  settle(result: Verdict | Error): void;
}

/** A flush lost a race: another instance inserted one of its ids in between. Retried. */
class LostRace extends Error {}
const FLUSH_ATTEMPTS = 5;

/**
 * One instance's snapshot buffer. Calls wait here until a flush containing them has
 * committed (the acknowledgement means durable). A flush starts when INGEST_FLUSH_MAX_ROWS
 * are buffered or INGEST_FLUSH_INTERVAL_MS after the oldest arrived; one flush runs at a
 * time and takes whole calls, so a call is stored all or nothing. Beyond
 * INGEST_BUFFER_MAX_ROWS new calls are refused (503 + Retry-After) instead of piling up.
 */
export class SnapshotBuffer {
  readonly #queue: Entry[] = [];
  #rows = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing = false;
  readonly stats = new IngestStats();

  private readonly deps: InstanceDeps;
  constructor(deps: InstanceDeps) {
    this.deps = deps;
  }

  /** Buffers one call and answers once it is durable (or at once, under the fault). */
  async ingest(snapshots: readonly Snapshot[], runId: string | null) {
    const { env, faults } = this.deps;
    await ingestCrash(faults, this.deps.log, runId); // FAULT ingest-crash: SIGKILL, once
    if (this.#rows + snapshots.length > env.INGEST_BUFFER_MAX_ROWS) {
      throw new IngestBacklogged({ bufferedRows: this.#rows, retryAfterSec: 1 });
    }
    const ids = snapshots.map((s) => s.id);
    const hashes = snapshots.map(contentHash);
    this.stats.received(snapshots.length);
    const early = faults.find("ingest-ack-before-flush");
    if (early) {
      // FAULT: answer now, flush later (params.holdMs); a crash meanwhile loses the rows.
      this.#push({ snapshots, ids, hashes, runId, ackedEarly: true, settle: () => {} });
      this.stats.ackedEarly(snapshots.length);
      return answer(ids, { kind: "ok", outcomes: ids.map(() => "stored" as const) });
    }
    const verdict = await new Promise<Verdict>((resolve, reject) =>
      this.#push({
        snapshots,
        ids,
        hashes,
        runId,
        ackedEarly: false,
        settle: (r) => (r instanceof Error ? reject(r) : resolve(r)),
      }),
    );
    return answer(ids, verdict);
  }

  /** Depth and age of what waits, for snapshots.stats. */
  depth() {
    const oldest = this.#queue[0];
    return {
      rows: this.#rows,
      calls: this.#queue.length,
      oldestAgeMs: oldest ? Math.round(performance.now() - oldest.at) : null,
      flushing: this.#flushing,
    };
  }

  #push(e: Omit<Entry, "at">): void {
    this.#queue.push({ ...e, at: performance.now() });
    this.#rows += e.snapshots.length;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#flushing || this.#queue.length === 0) return;
    const { env, faults } = this.deps;
    if (this.#rows >= env.INGEST_FLUSH_MAX_ROWS) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#flush();
      return;
    }
    if (this.#timer) return;
    const holdMs = Number(faults.find("ingest-ack-before-flush")?.params.holdMs ?? 0);
    const waitMs = Math.max(env.INGEST_FLUSH_INTERVAL_MS, holdMs);
    const age = performance.now() - (this.#queue[0]?.at ?? performance.now());
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#flush();
      },
      Math.max(0, waitMs - age),
    );
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    const batch: Entry[] = [];
    let rows = 0;
    while (
      this.#queue.length > 0 &&
      (batch.length === 0 || rows < this.deps.env.INGEST_FLUSH_MAX_ROWS)
    ) {
      const e = this.#queue.shift() as Entry;
      batch.push(e);
      rows += e.snapshots.length;
    }
    this.#rows -= rows;
    const started = performance.now();
    try {
      const verdicts = await this.#store(batch);
      const now = performance.now();
      this.stats.flushed(rows, now - started, now - Math.min(...batch.map((e) => e.at)));
      batch.forEach((e, i) => {
        const v = verdicts[i] as Verdict;
        this.stats.decided(v, e.ids.length);
        if (e.ackedEarly && v.kind === "conflict") {
          this.deps.log.warn(
            { event: "ingest_acked_conflict", ids: v.ids },
            "FAULT ingest-ack-before-flush: acknowledged snapshots turned out to conflict",
          );
        }
        e.settle(v);
      });
    } catch (error) {
      this.stats.flushFailed(batch.filter((e) => e.ackedEarly).length);
      this.deps.log.error(
        { err: error, rows, event: "ingest_flush_failed" },
        "snapshot flush failed",
      );
      for (const e of batch) e.settle(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#flushing = false;
      this.#schedule();
    }
  }

  /** One transaction per try: read the stored hashes, decide each call, insert what is new. */
  async #store(batch: readonly Entry[]): Promise<Verdict[]> {
    const { sql, identity } = this.deps;
    for (let attempt = 1; ; attempt++) {
      try {
        return await sql.begin(async (tx) => {
          const stored = await findSnapshotHashes(tx, [...new Set(batch.flatMap((e) => e.ids))]);
          const { verdicts, insert } = decide(batch, stored);
          const rows: SnapshotRow[] = batch.flatMap((e, i) =>
            (insert[i] ?? []).map((at) =>
              toRow(e.snapshots[at] as Snapshot, e.hashes[at] as string, e.runId),
            ),
          );
          const inserted = await insertSnapshots(tx, rows, identity);
          if (inserted.size !== rows.length) throw new LostRace();
          return verdicts;
        });
      } catch (error) {
        if (!(error instanceof LostRace) || attempt >= FLUSH_ATTEMPTS) throw error;
        this.stats.raceRetried();
      }
    }
  }
}

const toRow = (s: Snapshot, contentHash: string, runId: string | null): SnapshotRow => ({
  id: s.id,
  instrument: s.instrument,
  barTime: new Date(s.barTime).toISOString(),
  open: s.open,
  high: s.high,
  low: s.low,
  close: s.close,
  volume: s.volume,
  producer: s.producer,
  contentHash,
  runId,
});

export interface IngestAnswer {
  readonly results: readonly { id: string; outcome: Outcome }[];
  readonly stored: number;
  readonly duplicates: number;
}

const answer = (ids: readonly string[], v: Verdict): IngestAnswer => {
  if (v.kind === "conflict") throw new SnapshotConflict({ ids: [...v.ids] });
  const results = ids.map((id, i) => ({ id, outcome: v.outcomes[i] as Outcome }));
  return {
    results,
    stored: results.filter((r) => r.outcome === "stored").length,
    duplicates: results.filter((r) => r.outcome === "duplicate").length,
  };
};
