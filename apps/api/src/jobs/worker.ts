import type { BacktestResult } from "@scaleproof/core/backtest/maCrossover";
import { ProviderBadRequest, RangeUnavailable } from "@scaleproof/core/bars/errors";
import { instrumentRoot } from "@scaleproof/core/bars/request";
import { LeaseConflict, LeaseLost } from "@scaleproof/core/jobs/errors";
import { type ClaimedJob, claimJobs } from "@scaleproof/db/queries/claimJobs";
import { JOBS_CHANNEL } from "@scaleproof/db/queries/enqueueJobs";
import { failJobAttempt } from "@scaleproof/db/queries/failJobAttempt";
import { insertJobEvent } from "@scaleproof/db/queries/insertJobEvent";
import type { LeaseHolder } from "@scaleproof/db/queries/jobRow";
import { releaseJob } from "@scaleproof/db/queries/releaseJob";
import { sweepExhaustedJobs } from "@scaleproof/db/queries/sweepExhaustedJobs";
import type { Piscina } from "piscina";
import { ZodError } from "zod";
import { type BacktestPayload, POINT_VALUE } from "../backtests/input.ts";
import { openBacktestPool } from "../backtests/pool.ts";
import { barsRequest } from "../bars/input.ts";
import { getBars } from "../bars/service.ts";
import type { InstanceDeps } from "../deps.ts";
import type { ActiveFault } from "../faults/catalog.ts";
import { runUploadJob, UPLOAD_JOB_KIND } from "../uploads/job.ts";
import { CompletionBatch, HeartbeatBatch } from "./batches.ts";

const BARS_PER_YEAR = { "1m": 252 * 1380, "5m": 252 * 276 } as const;

/**
 * The job worker loop of one instance (DESIGN section 5): JOBS_SLOTS jobs at a time,
 * claimed in batches under a lease, woken by LISTEN/NOTIFY with a polling fallback.
 * Every lease/3, one statement renews the leases of all running attempts (backtests and
 * uploads; `HeartbeatBatch`), from the event loop while backtests compute on the
 * worker-thread pool. Backtest results are completed in batches (`CompletionBatch`: one
 * statement per batch, each row fenced by owner and attempt, result and history written
 * by it), so a worker that lost its lease can never store a result. Uploads complete
 * through their own fenced `completeJob` (uploads/job.ts).
 */
export class JobWorker {
  readonly #pool: Piscina;
  /** In-flight attempts by `jobId:attempt`: how to stop each, and when it has settled. */
  readonly #active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #claiming = false;
  #again = false;
  #stopped = false;
  #timers: NodeJS.Timeout[] = [];
  #unlisten: (() => Promise<void>) | undefined;
  #seq = 0;
  #heartbeat: HeartbeatBatch | undefined;
  readonly #completions: CompletionBatch;

  private readonly deps: InstanceDeps;
  constructor(deps: InstanceDeps) {
    this.deps = deps;
    this.#pool = openBacktestPool(deps.env.JOBS_SLOTS);
    this.#completions = new CompletionBatch(deps.sql);
  }

  get owner(): string {
    return `${this.deps.identity.instanceId}/${this.deps.identity.bootId}`;
  }

  async start(): Promise<void> {
    const { env, sql } = this.deps;
    if (env.JOBS_SLOTS === 0) return;
    const m = this.deps.metrics.jobs;
    this.#heartbeat = new HeartbeatBatch({
      sql,
      owner: this.owner,
      leaseMs: env.JOBS_LEASE_MS,
      onBeat: (renewed) => m.heartbeats.inc(renewed),
      onError: (error, leases) => {
        m.heartbeatErrors.inc(leases);
        this.deps.log.error({ err: error, leases }, "heartbeat failed");
      },
      onListenerError: (error) =>
        this.deps.log.error({ err: error }, "heartbeat listener failed (the beat went on)"),
    });
    const listener = await sql.listen(JOBS_CHANNEL, () => this.wake());
    this.#unlisten = () => listener.unlisten();
    this.#timers.push(setInterval(() => this.wake(), env.JOBS_POLL_MS));
    this.#timers.push(
      setInterval(() => {
        sweepExhaustedJobs(sql)
          .then((ids) => {
            if (ids.length)
              this.deps.log.warn({ event: "jobs_swept", ids }, "jobs failed: attempts exhausted");
          })
          .catch((error: unknown) => this.deps.log.error({ err: error }, "sweeper failed"));
      }, env.JOBS_SWEEP_MS),
    );
    this.wake();
  }

  /** Claims as many jobs as there are free slots; coalesces wake-ups that arrive meanwhile. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#claiming) {
      this.#again = true;
      return;
    }
    this.#claiming = true;
    void this.#claim().finally(() => {
      this.#claiming = false;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  async #claim(): Promise<void> {
    const { env, identity, sql, log } = this.deps;
    const free = env.JOBS_SLOTS - this.#active.size;
    if (free <= 0) return;
    const worker = `c${++this.#seq}`;
    try {
      const jobs = await claimJobs(sql, {
        owner: this.owner,
        instanceId: identity.instanceId,
        bootId: identity.bootId,
        worker,
        leaseMs: env.JOBS_LEASE_MS,
        limit: free,
        guarded: !(
          this.deps.faults.isOn("jobs-no-lease") || this.deps.faults.isOn("jobs-claim-live")
        ),
      });
      this.deps.metrics.jobs.claimed.inc(jobs.length);
      for (const job of jobs) {
        const abort = new AbortController();
        const key = `${job.id}:${job.attempt_count}`;
        const done = this.#execute(job, worker, abort).finally(() => {
          this.#active.delete(key);
          this.wake();
        });
        this.#active.set(key, { abort, done });
      }
      if (jobs.length === free) this.#again = true; // there may be more
    } catch (error) {
      log.error({ err: error }, "claim failed");
    }
  }

  async #execute(job: ClaimedJob, worker: string, abort: AbortController): Promise<void> {
    const { deps } = this;
    const { env, identity, sql, log, faults } = deps;
    const m = deps.metrics.jobs;
    m.active.inc();
    const h: LeaseHolder = {
      jobId: job.id,
      owner: this.owner,
      attempt: job.attempt_count,
      instanceId: identity.instanceId,
      bootId: identity.bootId,
      worker,
      runId: job.run_id,
    };
    const logCtx = { jobId: job.id, attempt: job.attempt_count, runId: job.run_id };
    log.info({ event: "job_start", ...logCtx }, "job started");
    let leaseLost = false;
    let stalled = false;
    // Set once the attempt begins to settle (complete, fail, release): a heartbeat in flight
    // then may find the lease gone because the settle committed. That is no lost lease; the
    // settle itself is fenced (a completion by a worker that lost its lease is rejected).
    let settling = false;
    // Renewed by the instance's batched heartbeat; a beat finding the row gone calls `lost`.
    const unbeat = this.#heartbeat?.register({
      jobId: job.id,
      attempt: job.attempt_count,
      // Not renewed while it settles: its completion (or failure, or release) ends the lease,
      // and a beat and a completion locking the same rows could deadlock each other.
      paused: () => stalled || settling,
      lost: () => {
        if (settling) {
          log.debug(
            { event: "job_heartbeat_after_settle", ...logCtx },
            "heartbeat found the lease gone while the attempt settled",
          );
          return;
        }
        leaseLost = true;
        m.fenced.inc({ stage: "heartbeat" });
        abort.abort();
        const error = new LeaseLost({ jobId: h.jobId, attempt: h.attempt, owner: h.owner });
        log.warn(
          { event: "job_lease_lost", err: error, ...logCtx },
          "LeaseLost: another worker owns the job",
        );
        void insertJobEvent(sql, h, "lease_lost", { reason: "heartbeat fenced off" }).catch(
          (e: unknown) => log.error({ err: e, ...logCtx }, "could not record lease_lost"),
        );
      },
    });
    try {
      if (job.kind === UPLOAD_JOB_KIND) {
        const fenced = !faults.isOn("jobs-no-lease");
        return await runUploadJob(deps, job, h, {
          signal: abort.signal,
          leaseLost: () => leaseLost,
          settling: () => {
            settling = true;
          },
          fenced,
        });
      }
      const payload = job.payload as unknown as BacktestPayload;
      const parsed = barsRequest.parse({
        symbol: payload.symbol,
        tf: payload.tf,
        start: payload.start,
        end: payload.end,
      });
      // a stop (or a lost lease) does not wait for the bars: the lease is handed back at once
      const bars = await untilAborted(
        getBars(deps.bars, { ...parsed, dataset: env.BARS_DATASET }, undefined),
        abort.signal,
      );

      // Fault injection (admin-only, FAULTS_ENABLED): one-shot, for this run's jobs.
      const crash = faultFor(faults.find("crash"), job.run_id);
      if (crash && (await faults.consume(crash))) {
        log.warn({ event: "fault_crash", ...logCtx }, "FAULT crash: SIGKILL mid-job");
        process.kill(process.pid, "SIGKILL");
        await new Promise(() => {}); // the signal is on its way
      }
      const stall = faultFor(faults.find("stall-heartbeat"), job.run_id);
      if (stall && (await faults.consume(stall))) {
        stalled = true;
        log.warn(
          { event: "fault_stall", ...logCtx },
          "FAULT stall-heartbeat: working on without heartbeats",
        );
      }

      const result = (await this.#pool.run(
        {
          bytes: bars.bytes,
          params: {
            fast: payload.fast,
            slow: payload.slow,
            feePerSide: payload.feePerSide,
            pointValue: POINT_VALUE[instrumentRoot(payload.symbol) ?? ""] ?? 1,
            barsPerYear: BARS_PER_YEAR[payload.tf],
          },
        },
        { signal: abort.signal },
      )) as BacktestResult;
      if (stalled) {
        // A zombie: finish only after the lease has surely been taken over.
        await new Promise((r) => setTimeout(r, env.JOBS_LEASE_MS * 2 + env.JOBS_POLL_MS * 2));
      }
      if (leaseLost) return;
      settling = true;
      const accepted = await this.#completions.complete(
        h,
        { ...result },
        { fenced: !(faults.isOn("jobs-no-lease") || faults.isOn("jobs-no-fence")) },
      );
      if (!accepted)
        throw new LeaseConflict({ jobId: h.jobId, attempt: h.attempt, owner: h.owner });
      m.completed.inc();
      log.info({ event: "job_finish", ...logCtx, trades: result.trades }, "job finished");
    } catch (error) {
      if (leaseLost) return;
      settling = true;
      if (error instanceof LeaseConflict) {
        m.fenced.inc({ stage: "completion" });
        // completeJobs recorded completion_rejected in the same statement.
        log.warn(
          { event: "job_completion_rejected", err: error, ...logCtx },
          "LeaseConflict: completion fenced off, result dropped",
        );
        return;
      }
      if (this.#stopped && abort.signal.aborted) {
        // A graceful stop: hand the lease back at once, without using up an attempt.
        const released = await releaseJob(sql, h, "worker stopping").catch((e: unknown) => {
          log.error({ err: e, ...logCtx }, "could not hand the lease back");
          return false;
        });
        log.info({ event: "job_released", ...logCtx, released }, "lease handed back on stop");
        return;
      }
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const final = isFinal(error);
      m.failedAttempts.inc({ final: String(final) });
      const retryAfterMs = retryBackoffMs(env, job.attempt_count);
      log.error({ err: error, ...logCtx, final, retryAfterMs }, "job attempt failed");
      await failJobAttempt(sql, h, { error: message, final, retryAfterMs }).catch((e: unknown) =>
        log.error({ err: e, ...logCtx }, "could not record the failed attempt"),
      );
    } finally {
      unbeat?.();
      m.active.dec();
    }
  }

  /**
   * Stops claiming; in-flight attempts are stopped and their leases handed back at once
   * (`released`, no attempt used), so another instance picks the jobs up without waiting
   * for a lease to expire.
   */
  async close(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    const active = [...this.#active.values()];
    for (const a of active) a.abort.abort();
    await Promise.allSettled(active.map((a) => a.done));
    this.#heartbeat?.close();
    await this.#completions.close();
    await this.#unlisten?.().catch(() => {});
    await this.#pool.destroy();
  }
}

/**
 * Failures a retry cannot fix: the job's own input is wrong (it was validated at enqueue,
 * so only data that does not exist is left: an unknown symbol at the provider, a range
 * outside the data).
 */
const isFinal = (error: unknown): boolean =>
  error instanceof ProviderBadRequest ||
  error instanceof RangeUnavailable ||
  error instanceof ZodError;

/**
 * `p`, or the abort's reason as soon as `signal` aborts (whichever comes first); `p` runs
 * on and its outcome is dropped (a fetch it holds still fills the cache for the others).
 */
const untilAborted = <T>(p: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error("aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });

/** Exponential backoff with full jitter between attempts, capped. */
const retryBackoffMs = (env: InstanceDeps["env"], attempt: number): number =>
  Math.round(
    Math.random() * Math.min(env.JOBS_RETRY_MAX_MS, env.JOBS_RETRY_BASE_MS * 2 ** (attempt - 1)),
  );

/** The fault, if it applies to this job's run (FaultRegistry.find has matched the instance). */
const faultFor = (
  fault: ActiveFault | undefined,
  runId: string | null,
): ActiveFault | undefined => {
  const want = fault?.params.runId;
  return fault && (want === undefined || want === runId) ? fault : undefined;
};
