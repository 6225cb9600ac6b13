import type { Sql } from "@scaleproof/db/client";
import { type ClaimedJob, claimJobs } from "@scaleproof/db/queries/claimJobs";
import { completeJobs } from "@scaleproof/db/queries/completeJobs";
import { heartbeatJobs } from "@scaleproof/db/queries/heartbeatJobs";
import { insertJobEvent } from "@scaleproof/db/queries/insertJobEvent";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";

export interface LeaseBatchOptions {
  readonly sql: Sql;
  readonly instanceId: string;
  readonly bootId: string;
  /** Names this batcher's leases (`lease_owner` = instance/boot/worker). */
  readonly worker: string;
  readonly leaseMs: number;
  /**
   * The most leases held at once (prefetched + running + completing). Every held lease
   * is renewed by one statement per beat, so this caps what a beat must cover.
   */
  readonly maxLeases: number;
  /** The most jobs one claim statement takes. */
  readonly claimBatch: number;
  /**
   * The most completion statements in flight at once (default 2): completions that
   * arrive while one batch commits go out in the next without waiting for it.
   */
  readonly completionsInFlight?: number;
  /** jobs-no-lease FAULT when false (claim and completion ignore the lease). */
  readonly guarded?: boolean;
  /** Told when a heartbeat finds a lease gone (the job's work must stop). */
  readonly onLost?: (job: LeasedJob) => void;
}

export interface LeasedJob {
  readonly job: ClaimedJob;
  readonly holder: LeaseHolder;
}

type State = "queued" | "running" | "completing";

/**
 * The lease queue with a local prefetch, batched both ways (DESIGN section 5): claims up
 * to `claimBatch` jobs in one statement (start events in it) into a local queue, never
 * holding more than `maxLeases`; renews every held lease in one statement per beat
 * (each row fenced by owner and attempt); completes whatever finished meanwhile in one
 * statement (each row fenced; result, `finish` or `completion_rejected` written by it).
 * One claim and up to `completionsInFlight` completion statements are in flight at a
 * time: what arrives while they run goes in the next, so batches grow with load and stay
 * at one job when idle.
 */
export class LeaseBatch {
  readonly owner: string;
  readonly #held = new Map<string, { leased: LeasedJob; state: State }>();
  readonly #queue: LeasedJob[] = [];
  #pending: { leased: LeasedJob; result: Record<string, unknown>; done: Deferred }[] = [];
  #claiming: Promise<number> | undefined;
  #flushing = 0;
  readonly #maxFlushing: number;
  #drained = false;
  /** Workers waiting in `next()` for a lease to be let go (all `maxLeases` held). */
  #waiting: (() => void)[] = [];
  #beat: NodeJS.Timeout;

  constructor(private readonly o: LeaseBatchOptions) {
    this.owner = `${o.instanceId}/${o.bootId}/${o.worker}`;
    this.#maxFlushing = Math.max(1, o.completionsInFlight ?? 2);
    this.#beat = setInterval(() => void this.#heartbeat(), Math.max(50, Math.floor(o.leaseMs / 3)));
    this.#beat.unref();
  }

  get held(): number {
    return this.#held.size;
  }

  /** The next job to run, from the local queue (claiming a batch when it runs low); undefined when the queue is empty. */
  async next(): Promise<LeasedJob | undefined> {
    for (;;) {
      const j = this.#queue.shift();
      if (j) {
        const h = this.#held.get(j.job.id);
        if (!h) continue; // its lease was lost while it waited here
        h.state = "running";
        if (this.#queue.length < this.o.claimBatch / 2) void this.#claim();
        return j;
      }
      if (this.#drained && !this.#claiming) return undefined;
      const got = await this.#claim();
      if (got === 0 && this.#queue.length === 0) {
        if (this.#drained) return undefined;
        // Full of leases still running or completing: sleep until a completion or a lost
        // lease lets one go (checked first, in the same turn, so no wake-up is missed).
        if (this.#held.size < this.o.maxLeases) continue;
        await new Promise<void>((r) => this.#waiting.push(r));
      }
    }
  }

  /** Queues the completion for the next batch; resolves true when accepted, false when fenced off. */
  complete(leased: LeasedJob, result: Record<string, unknown>): Promise<boolean> {
    const h = this.#held.get(leased.job.id);
    if (h) h.state = "completing";
    const done = deferred();
    this.#pending.push({ leased, result, done });
    if (this.#flushing < this.#maxFlushing) setImmediate(() => void this.#flush());
    return done.promise;
  }

  async close(): Promise<void> {
    clearInterval(this.#beat);
    while (this.#flushing > 0 || this.#pending.length) {
      if (this.#pending.length && this.#flushing < this.#maxFlushing) await this.#flush();
      else await new Promise((r) => setTimeout(r, 1));
    }
  }

  #claim(): Promise<number> {
    if (this.#claiming) return this.#claiming;
    const claiming = (async () => {
      const room = Math.min(this.o.claimBatch, this.o.maxLeases - this.#held.size);
      if (room <= 0) return 0;
      const jobs = await claimJobs(this.o.sql, {
        owner: this.owner,
        instanceId: this.o.instanceId,
        bootId: this.o.bootId,
        worker: this.o.worker,
        leaseMs: this.o.leaseMs,
        limit: room,
        guarded: this.o.guarded !== false,
      });
      this.#drained = jobs.length === 0;
      for (const job of jobs) {
        const leased: LeasedJob = { job, holder: this.#holder(job) };
        this.#held.set(job.id, { leased, state: "queued" });
        this.#queue.push(leased);
      }
      return jobs.length;
    })().finally(() => {
      this.#claiming = undefined;
    });
    this.#claiming = claiming;
    return claiming;
  }

  async #flush(): Promise<void> {
    if (this.#flushing >= this.#maxFlushing || this.#pending.length === 0) return;
    this.#flushing++;
    const batch = this.#pending;
    this.#pending = [];
    try {
      const accepted = await completeJobs(
        this.o.sql,
        batch.map((b) => ({ holder: b.leased.holder, result: b.result })),
        { fenced: this.o.guarded !== false },
      );
      for (const b of batch) {
        this.#held.delete(b.leased.job.id);
        b.done.resolve(accepted.has(b.leased.job.id));
      }
    } catch (error) {
      for (const b of batch) b.done.reject(error);
    } finally {
      this.#wake();
      this.#flushing--;
      if (this.#pending.length) setImmediate(() => void this.#flush());
    }
  }

  /** One statement renews every lease still queued or running; a missing row is a lost lease. */
  async #heartbeat(): Promise<void> {
    const live = [...this.#held.values()].filter((h) => h.state !== "completing");
    if (live.length === 0) return;
    const kept = await heartbeatJobs(
      this.o.sql,
      this.owner,
      live.map((h) => ({ jobId: h.leased.job.id, attempt: h.leased.holder.attempt })),
      this.o.leaseMs,
    ).catch(() => undefined); // a failed beat is retried at the next one; the lease has 3
    if (!kept) return;
    for (const h of live) {
      if (kept.has(h.leased.job.id) || h.state === "completing") continue;
      if (!this.#held.delete(h.leased.job.id)) continue;
      this.#wake();
      this.o.onLost?.(h.leased);
      await insertJobEvent(this.o.sql, h.leased.holder, "lease_lost", {
        reason: "batched heartbeat fenced off",
      }).catch(() => {});
    }
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w();
  }

  #holder(job: ClaimedJob): LeaseHolder {
    return {
      jobId: job.id,
      owner: this.owner,
      attempt: job.attempt_count,
      instanceId: this.o.instanceId,
      bootId: this.o.bootId,
      worker: this.o.worker,
      runId: job.run_id,
    };
  }
}

interface Deferred {
  readonly promise: Promise<boolean>;
  resolve(v: boolean): void;
  reject(e: unknown): void;
}

const deferred = (): Deferred => {
  let resolve: (v: boolean) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<boolean>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
