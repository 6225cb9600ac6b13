import type { TransactionSql } from "postgres";
import type { Sql } from "../client.ts";

export interface NewJob {
  /** What the worker runs: `backtest` unless said (`upload-process`...). */
  readonly kind?: string | undefined;
  readonly payload: Record<string, unknown>;
  readonly runId: string | null;
  readonly maxAttempts: number;
  /** Same key, same job: a retried enqueue never creates a second one. */
  readonly idempotencyKey?: string | undefined;
}

export interface EnqueuedJob {
  readonly id: string;
  /** False when the idempotency key already named a job (this call created nothing). */
  readonly created: boolean;
  /** For a known key: whether the stored job has exactly this payload (else the key is misused). */
  readonly samePayload: boolean;
}

export const JOBS_CHANNEL = "jobs_ready";

/**
 * Inserts jobs (answers in input order; a known idempotency key answers its existing job)
 * and wakes every listening instance (NOTIFY is delivered at commit).
 *
 * Concurrency: an insert that conflicts with a key another transaction is inserting waits
 * for it, then does nothing; only a *new* statement (a new READ COMMITTED snapshot) can
 * see that row, so the existing job is read in a second statement, never in the same one.
 */
export const enqueueJobs = async (sql: Sql, jobs: readonly NewJob[]): Promise<EnqueuedJob[]> => {
  if (jobs.length === 0) return [];
  return await sql.begin((tx) => insertJobs(tx, jobs));
};

/**
 * enqueueJobs inside a transaction the caller holds (a capped enqueue, an upload's
 * finalize), so the jobs commit or vanish with the caller's other statements. Under
 * SERIALIZABLE a key another transaction inserted meanwhile is a serialization failure
 * (40001) rather than a second statement's read: the caller retries.
 */
export const insertJobs = async (
  tx: TransactionSql,
  jobs: readonly NewJob[],
): Promise<EnqueuedJob[]> => {
  const out: EnqueuedJob[] = [];
  for (const j of jobs) {
    const payload = tx.json(j.payload as never);
    const [inserted] = await tx<{ id: string }[]>`
      insert into jobs (kind, payload, run_id, max_attempts, idempotency_key)
      values (${j.kind ?? "backtest"}, ${payload}, ${j.runId}, ${j.maxAttempts},
              ${j.idempotencyKey ?? null})
      on conflict (idempotency_key) where idempotency_key is not null do nothing
      returning id::text as id`;
    if (inserted) {
      out.push({ id: inserted.id, created: true, samePayload: true });
      continue;
    }
    const [existing] = await tx<{ id: string; same: boolean }[]>`
      select id::text as id, payload = ${payload}::jsonb as same
      from jobs where idempotency_key = ${j.idempotencyKey ?? null}`;
    if (!existing)
      throw new Error(`idempotency key ${j.idempotencyKey} conflicted but no job holds it`);
    out.push({ id: existing.id, created: false, samePayload: existing.same });
  }
  await tx`select pg_notify(${JOBS_CHANNEL}, ${String(out.length)})`;
  return out;
};
