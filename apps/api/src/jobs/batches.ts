import type { Sql } from "@scaleproof/db/client";
import { type AttemptKey, attemptKey, completeJobs } from "@scaleproof/db/queries/completeJobs";
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
  /** Told when a listener (`onBeat`, `onError`, an attempt's `lost`) threw: the beat went on. */
  readonly onListenerError?: (error: unknown) => void;
}

/** A beat's statement went unanswered for a whole beat period. */
export class BeatOverdue extends Error {
  override readonly name = "BeatOverdue";
  constructor(ms: number) {
    super(`the heartbeat statement was not answered within ${ms} ms`);
  }
}

/**
 * A listener's error must not stop the beat telling the others (nor crash the process):
 * it is handed to `report` (itself not trusted either) and the beat goes on.
 */
const safely = (f: () => void, report?: (error: unknown) => void): void => {
  try {
    f();
  } catch (error) {
    try {
      report?.(error);
    } catch {
      // the reporter's own failure: nothing more to tell
    }
  }
};

/**
 * The heartbeat of every attempt one owner holds (DESIGN section 5): every leaseMs/3, one
 * `heartbeatJobs` statement renews all registered attempts that are not paused, each row
 * fenced by owner and attempt. A registered attempt whose row is missing from the answer
 * has lost its lease and is told so (unless it unregistered while the beat ran). A beat
 * still in flight when the next is due makes that one skip (the lease outlasts 3 beats);
 * one unanswered for a whole period is given up (BeatOverdue, an error) so the next goes.
 */
export class HeartbeatBatch {
  readonly #beating = new Set<Beating>();
  readonly #timer: NodeJS.Timeout;
  readonly #periodMs: number;
  /** The beat in flight: a later one is skipped while it runs, until it is overdue. */
  #inFlight: symbol | undefined;

  private readonly o: HeartbeatBatchOptions;
  constructor(o: HeartbeatBatchOptions) {
    this.o = o;
    this.#periodMs = Math.max(50, Math.floor(o.leaseMs / 3));
    this.#timer = setInterval(() => void this.beat(), this.#periodMs);
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
    const mine = Symbol("beat");
    this.#inFlight = mine;
    // A beat unanswered for a period (a stuck connection, a locked row) is given up: it
    // counts as failed and the next beat goes out, so one stuck statement cannot stop
    // every renewal; its late answer, if any, is ignored (the next beat judges anew).
    let overdue: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      overdue = setTimeout(() => reject(new BeatOverdue(this.#periodMs)), this.#periodMs);
    });
    let kept: Set<AttemptKey>;
    try {
      kept = await Promise.race([
        heartbeatJobs(
          this.o.sql,
          this.o.owner,
          live.map((b) => ({ jobId: b.jobId, attempt: b.attempt })),
          this.o.leaseMs,
        ),
        deadline,
      ]);
    } catch (error) {
      safely(() => this.o.onError?.(error, live.length), this.o.onListenerError);
      return;
    } finally {
      clearTimeout(overdue);
      if (this.#inFlight === mine) this.#inFlight = undefined;
    }
    safely(() => this.o.onBeat?.(kept.size), this.o.onListenerError);
    for (const b of live) {
      if (kept.has(attemptKey(b)) || !this.#beating.delete(b)) continue;
      safely(b.lost, this.o.onListenerError);
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

/** Postgres's deadlock_detected and serialization_failure: the statement did nothing. */
const RETRIED = new Set(["40P01", "40001"]);

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
  /** `close()` waiting for a statement in flight to be answered. */
  #settled: (() => void)[] = [];

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
      else await new Promise<void>((r) => this.#settled.push(r));
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
    const send = () =>
      completeJobs(
        this.sql,
        batch.map((b) => ({ holder: b.holder, result: b.result })),
        { fenced },
      );
    try {
      // A deadlock or serialization failure rolled the whole statement back (nothing was
      // written): sent once more before any attempt in the batch is failed for it.
      const accepted = await send().catch((error: unknown) => {
        if (RETRIED.has((error as { code?: string }).code ?? "")) return send();
        throw error;
      });
      for (const b of batch) b.resolve(accepted.has(attemptKey(b.holder)));
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.#flushing--;
      if (this.#queued()) setImmediate(() => void this.#flush());
      const settled = this.#settled;
      this.#settled = [];
      for (const r of settled) r();
    }
  }
}
