import type { Sql } from "../client.ts";

export interface ClaimOptions {
  readonly owner: string;
  readonly instanceId: string;
  readonly bootId: string;
  readonly worker: string;
  readonly leaseMs: number;
  readonly limit: number;
  /**
   * FAULT (jobs-no-lease) when false: claims running jobs whatever their lease and
   * without skip locked, as a naive queue would. Exists only to prove the jobs
   * profile catches double execution.
   */
  readonly guarded?: boolean;
}

export interface ClaimedJob {
  readonly id: string;
  /** What to run (`backtest`, `upload-process`): the worker dispatches on it. */
  readonly kind: string;
  readonly run_id: string | null;
  readonly payload: Record<string, unknown>;
  readonly attempt_count: number;
  readonly lease_expires_at: Date;
}

/**
 * Atomic batch claim: queued jobs, and running jobs whose lease expired (their worker
 * died), with attempts left; `for update skip locked` so concurrent claimers never
 * wait for or take each other's rows. The start events are written by the same
 * statement, with the lease each claim took over, and the batch comes back in id order
 * (bigint, not its text). (`= any (array(...))` makes the update
 * find its rows by primary key: a plain join hashes the whole table, done jobs included.)
 */
export const claimJobs = async (sql: Sql, o: ClaimOptions): Promise<ClaimedJob[]> => {
  const candidates =
    o.guarded === false
      ? sql`select id, lease_expires_at as previous from jobs
             where not finished and attempt_count < max_attempts
             order by id limit ${o.limit} for update`
      : sql`select id, lease_expires_at as previous from jobs
             where not finished and attempt_count < max_attempts
               and ((status = 'queued' and run_after <= now())
                    or (status = 'running' and lease_expires_at < now()))
             order by id limit ${o.limit} for update skip locked`;
  return await sql<ClaimedJob[]>`
    with candidates as (${candidates}),
    claimed as (
      update jobs j
         set status = 'running', lease_owner = ${o.owner},
             lease_expires_at = now() + ${o.leaseMs} * interval '1 millisecond',
             attempt_count = j.attempt_count + 1, updated_at = now()
        from candidates c
       where j.id = c.id and j.id = any (array(select id from candidates))
      returning j.id, j.kind, j.run_id, j.payload, j.attempt_count, j.lease_expires_at, c.previous
    ),
    started as (
      insert into job_execution_events
        (job_id, run_id, attempt, kind, instance_id, boot_id, worker, previous_lease_expires_at)
      select id, run_id, attempt_count, 'start', ${o.instanceId}, ${o.bootId}, ${o.worker}, previous
        from claimed
    )
    select id::text, kind, run_id, payload, attempt_count, lease_expires_at from claimed order by claimed.id`;
};
