import type { Sql } from "@scaleproof/db/client";
import type { TransactionSql } from "postgres";

/**
 * A year of history in the hot tables (generate_series, one statement per table): `rows`
 * finished runs, as many jobs (2 execution events each), bars request events, run events
 * and memory samples. Then ANALYZE, so the planner's estimates are a busy database's, not
 * an empty one's.
 */
export const seedHistory = async (sql: Sql, rows = 100_000): Promise<void> => {
  // Foreign keys are checked row by row (a trigger each): the seed's own rows are
  // consistent by construction, so its large child inserts skip them (needs a superuser).
  const unchecked = (insert: (tx: TransactionSql) => Promise<unknown>) =>
    sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await insert(tx);
    });
  await sql`
    insert into scale_test_runs
      (id, profile, params, status, verdict, progress, target_url, runner_instance_id,
       runner_boot_id, runner_version, created_at, started_at, finished_at)
    select 'run_seed_' || n, 'cache', '{"quick":true}', 'passed', 'PASS', 1, 'http://seed',
           'i' || (n % 3), 'boot-seed', '0.0.0', t, t, t + interval '1 minute'
      from generate_series(1, ${rows}) n,
           lateral (select now() - interval '400 days' + n * interval '5 minutes' as t) x`;
  const jobs = async () => {
    await sql`
    insert into jobs (kind, run_id, payload, status, lease_owner, attempt_count, result,
                      created_at, updated_at, completed_at, run_after, idempotency_key)
    select 'backtest', 'run_seed_' || n, '{"symbol":"ES","tf":"1m"}', 'completed',
           'i1/boot-seed', 1, '{"trades":3}', t, t, t, t, 'seed:' || n
      from generate_series(1, ${rows}) n,
           lateral (select now() - interval '400 days' + n * interval '5 minutes' as t) x`;
    await unchecked(
      (tx) => tx`
    insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker, at)
    select id, run_id, 1, k, 'i1', 'boot-seed', 'i1/boot-seed/w1', created_at
      from jobs, unnest(array['start', 'finish']) k
     where idempotency_key like 'seed:%'`,
    );
  };
  const bars = sql`
    insert into bars_request_events
      (at, run_id, instance_id, boot_id, cache_key, outcome, cache_hit, lock_acquired,
       provider_fetch, coalesced, bytes_in, bytes_out, duration_ms)
    select now() - interval '400 days' + n * interval '5 minutes', 'run_seed_' || n, 'i1',
           'boot-seed', 'bars:v1:seed:' || (n % 500), 'HIT', true, false, false, false, 0, 4096, 3
      from generate_series(1, ${rows}) n`;
  const events = unchecked(
    (tx) => tx`
    insert into scale_test_events (run_id, at, kind, step, instance_id, boot_id, data)
    select 'run_seed_' || n, now() - interval '400 days' + n * interval '5 minutes', 'request',
           'warmup', 'i1', 'boot-seed', '{"version":"0.0.0"}'
      from generate_series(1, ${rows}) n`,
  );
  const samples = sql`
    insert into memory_samples
      (run_id, instance_id, boot_id, at, uptime_s, heap_used, heap_total, old_gen_used, rss,
       external, array_buffers, heap_limit, gc_count, gc_ms, pressure, shedding)
    select 'run_seed_' || n, 'i1', 'boot-seed', now() - interval '400 days' + n * interval '5 minutes',
           60, 3e7, 4e7, 2e7, 1.2e8, 1e6, 1e5, 2.9e8, 1, 2, 0.1, false
      from generate_series(1, ${rows}) n`;
  await Promise.all([jobs(), bars, events, samples]);
  await sql`analyze`;
};
