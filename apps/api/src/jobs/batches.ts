import type { Sql } from "@scaleproof/db/client";
import { completeJobs } from "@scaleproof/db/queries/completeJobs";
import { heartbeatJobs } from "@scaleproof/db/queries/heartbeatJobs";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";

/** One attempt a `HeartbeatBatch` keeps alive. */
export interface Beating {
  readonly jobId: string;
  readonly attempt: number;
  /** Left out of a beat while this answers true (the stall-heartbeat FAULT). */
  readonly paused?: () => boolean;
  /**
   * Told once when a beat finds the row gone (another worker owns the job, or the
   * attempt settled meanwhile: the caller tells the two apart). It is unregistered first.
   */
  readonly lost: () => void;
}

export interface HeartbeatBatchOptions {
  readonly sql: Sql;
  /** `lease_owner` of every registered attempt. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Told how many leases a beat renewed. */
  readonly onBeat?: (renewed: number) => void;
  /** Told when a beat's statement failed (nothing renewed or lost; the next beat retries). */
  readonly onError?: (error: unknown, leases: number) => void;
}

/**
 * The heartbeat of every attempt one owner holds (DESIGN section 5): every leaseMs/3, one
 * `heartbeatJobs` statement renews all registered attempts that are not paused, each row
 * fenced by owner and attempt. A registered attempt whose row is missing from the answer
 * has lost its lease and is told so (unless it unregistered while the beat ran). A beat
 * still in flight when the next is due makes that one skip (the lease outlasts 3 beats).
 */
export class HeartbeatBatch {
  readonly #beating = new Set<Beating>();
  readonly #timer: NodeJS.Timeout;
  #inFlight = false;

  private readonly o: HeartbeatBatchOptions;
  constructor(o: HeartbeatBatchOptions) {
    this.o = o;
    this.#timer = setInterval(() => void this.beat(), Math.max(50, Math.floor(o.leaseMs / 3)));
    this.#timer.unref();
  }

  get size(): number {
    return this.#beating.size;
  }

  /** Renews `b` from the next beat on; the answer unregisters it. */
  register(b: Beating): () => void {
    const entry = { ...b }; // its own identity: registering the same lease twice keeps both
    this.#beating.add(entry);
    return () => {
      this.#beating.delete(entry);
    };
  }

  /** One beat now (the timer calls this; tests may too). */
  async beat(): Promise<void> {
    if (this.#inFlight) return;
    const live = [...this.#beating].filter((b) => !b.paused?.());
    if (live.length === 0) return;
    this.#inFlight = true;
    let kept: Set<string>;
    try {
      kept = await heartbeatJobs(
        this.o.sql,
        this.o.owner,
        live.map((b) => ({ jobId: b.jobId, attempt: b.attempt })),
        this.o.leaseMs,
      );
    } catch (error) {
      this.o.onError?.(error, live.length);
      return;
    } finally {
      this.#inFlight = false;
    }
    this.o.onBeat?.(kept.size);
    // The answer names jobs, not attempts: when one job has two attempts here (a claim that
    // ignored a live lease), only the latest can hold the row (attempts only grow).
    const latest = new Map<string, number>();
    for (const b of live) latest.set(b.jobId, Math.max(b.attempt, latest.get(b.jobId) ?? 0));
    for (const b of live) {
      const renewed = kept.has(b.jobId) && latest.get(b.jobId) === b.attempt;
      if (renewed || !this.#beating.delete(b)) continue;
      b.lost();
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

interface Queued {
  readonly holder: LeaseHolder;
  readonly result: Record<string, unknown>;
  readonly resolve: (accepted: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Completions sent in batches (DESIGN section 5): what is queued while up to `inFlight`
 * `completeJobs` statements run goes out in the next one, so batches grow with load and
 * stay at one completion when idle. Each row is fenced by owner and attempt; result and
 * `finish` (or `completion_rejected`) are written by the same statement. Fenced and
 * unfenced completions (the jobs-no-lease / jobs-no-fence FAULTs) never share a batch.
 */
export class CompletionBatch {
  readonly #pending = { fenced: [] as Queued[], unfenced: [] as Queued[] };
  #flushing = 0;
  readonly #max: number;

  private readonly sql: Sql;
  constructor(sql: Sql, inFlight = 2) {
    this.sql = sql;
    this.#max = Math.max(1, inFlight);
  }

  /** Resolves true when the result was stored, false when fenced off; rejects if the statement failed. */
  complete(
    holder: LeaseHolder,
    result: Record<string, unknown>,
    options: { fenced?: boolean } = {},
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const queue = options.fenced === false ? this.#pending.unfenced : this.#pending.fenced;
      queue.push({ holder, result, resolve, reject });
      if (this.#flushing < this.#max) setImmediate(() => void this.#flush());
    });
  }

  /** Resolves once every queued completion has been sent and answered. */
  async close(): Promise<void> {
    while (this.#flushing > 0 || this.#queued()) {
      if (this.#queued() && this.#flushing < this.#max) await this.#flush();
      else await new Promise((r) => setTimeout(r, 1));
    }
  }

  #queued(): boolean {
    return this.#pending.fenced.length > 0 || this.#pending.unfenced.length > 0;
  }

  async #flush(): Promise<void> {
    if (this.#flushing >= this.#max || !this.#queued()) return;
    const fenced = this.#pending.fenced.length > 0;
    const batch = fenced ? this.#pending.fenced : this.#pending.unfenced;
    if (fenced) this.#pending.fenced = [];
    else this.#pending.unfenced = [];
    this.#flushing++;
    try {
      const accepted = await completeJobs(
        this.sql,
        batch.map((b) => ({ holder: b.holder, result: b.result })),
        { fenced },
      );
      for (const b of batch) b.resolve(accepted.has(b.holder.jobId));
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.#flushing--;
      if (this.#queued()) setImmediate(() => void this.#flush());
    }
  }
}
