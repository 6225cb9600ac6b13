import type { Sql } from "@scaleproof/db/client";
import { type ClaimedJob, claimJobs } from "@scaleproof/db/queries/claimJobs";
import { insertJobEvent } from "@scaleproof/db/queries/insertJobEvent";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";
import { CompletionBatch, HeartbeatBatch } from "./batches.ts";

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
interface Held {
  readonly leased: LeasedJob;
  state: State;
  /** Stops renewing the lease (at completion). */
  readonly unbeat: () => void;
}

/**
 * The lease queue with a local prefetch, batched both ways (DESIGN section 5): claims up
 * to `claimBatch` jobs in one statement (start events in it) into a local queue, never
 * holding more than `maxLeases`; renews every held lease in one statement per beat
 * (each row fenced by owner and attempt); completes whatever finished meanwhile in one
 * statement (each row fenced; result, `finish` or `completion_rejected` written by it).
 * One claim and up to `completionsInFlight` completion statements are in flight at a
 * time: what arrives while they run goes in the next, so batches grow with load and stay
 * at one job when idle. The heartbeat and the completions are `HeartbeatBatch` and
 * `CompletionBatch` (./batches.ts), which the instance's JobWorker runs too.
 */
export class LeaseBatch {
  readonly owner: string;
  readonly #held = new Map<string, Held>();
  readonly #queue: LeasedJob[] = [];
  #claiming: Promise<number> | undefined;
  #drained = false;
  /** Workers waiting in `next()` for a lease to be let go (all `maxLeases` held). */
  #waiting: (() => void)[] = [];
  readonly #heartbeat: HeartbeatBatch;
  readonly #completions: CompletionBatch;

  private readonly o: LeaseBatchOptions;
  constructor(o: LeaseBatchOptions) {
    this.o = o;
    this.owner = `${o.instanceId}/${o.bootId}/${o.worker}`;
    this.#heartbeat = new HeartbeatBatch({ sql: o.sql, owner: this.owner, leaseMs: o.leaseMs });
    this.#completions = new CompletionBatch(o.sql, o.completionsInFlight ?? 2);
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
    if (h) {
      h.state = "completing";
      h.unbeat(); // a completing lease is settled by its completion, not renewed
    }
    return this.#completions
      .complete(leased.holder, result, { fenced: this.o.guarded !== false })
      .then(
        (accepted) => {
          this.#held.delete(leased.job.id);
          this.#wake();
          return accepted;
        },
        (error: unknown) => {
          // Not stored: the lease is let go here (it lapses, and the job is claimed again).
          this.#held.delete(leased.job.id);
          this.#wake();
          throw error;
        },
      );
  }

  async close(): Promise<void> {
    this.#heartbeat.close();
    await this.#completions.close();
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
        const unbeat = this.#heartbeat.register({
          jobId: job.id,
          attempt: job.attempt_count,
          lost: () => this.#lost(leased),
        });
        this.#held.set(job.id, { leased, state: "queued", unbeat });
        this.#queue.push(leased);
      }
      return jobs.length;
    })().finally(() => {
      this.#claiming = undefined;
    });
    this.#claiming = claiming;
    return claiming;
  }

  /** A beat found the lease gone while the job was queued or running: its work must stop. */
  #lost(leased: LeasedJob): void {
    if (!this.#held.delete(leased.job.id)) return;
    this.#wake();
    this.o.onLost?.(leased);
    void insertJobEvent(this.o.sql, leased.holder, "lease_lost", {
      reason: "batched heartbeat fenced off",
    }).catch(() => {});
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
