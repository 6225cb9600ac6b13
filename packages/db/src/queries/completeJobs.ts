import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

export interface Completion {
  readonly holder: LeaseHolder;
  readonly result: Record<string, unknown>;
}

/**
 * `completeJob` for a batch, in one statement (so one transaction): each row fenced by
 * (id, running, owner, attempt); accepted rows store their result and write `finish`,
 * fenced-off ones store nothing and write `completion_rejected`, all in the same
 * statement. Answers the accepted job ids. `fenced: false` is the jobs-no-lease FAULT.
 *
 * No join on the batch: the update finds its rows by primary key (`= any` on the ids)
 * and looks each one's owner and result up in a jsonb object keyed by `id:attempt`
 * (a binary search), and the events test acceptance against a hashed subplan. A join of
 * the rows with a set-returning function is planned from guessed row counts; with stale
 * statistics it became a nested loop comparing every row with every input (quadratic in
 * the batch: 250k comparisons for 500 jobs, most of the statement's time).
 */
export const completeJobs = async (
  sql: Sql,
  completions: readonly Completion[],
  options: { fenced?: boolean } = {},
): Promise<Set<string>> => {
  if (completions.length === 0) return new Set();
  const fenced = options.fenced !== false;
  const input = completions.map(({ holder: h, result }) => ({
    id: h.jobId,
    attempt: h.attempt,
    owner: h.owner,
    run_id: h.runId,
    instance_id: h.instanceId,
    boot_id: h.bootId,
    worker: h.worker,
    result,
  }));
  const held = Object.fromEntries(
    completions.map(({ holder: h, result }) => [
      fenced ? `${h.jobId}:${h.attempt}` : h.jobId,
      { owner: h.owner, result },
    ]),
  );
  const key = fenced ? sql`j.id::text || ':' || j.attempt_count` : sql`j.id::text`;
  const fence = fenced
    ? sql`and j.status = 'running' and j.lease_owner = m.held -> (${key}) ->> 'owner'`
    : sql``;
  const accepted = fenced
    ? sql`(x.id, x.attempt, x.owner) in (select id, attempt_count, lease_owner from done)`
    : sql`x.id in (select id from done)`;
  const rows = await sql<{ id: string }[]>`
    with m as (select ${sql.json(held as never)}::jsonb as held),
    done as (
      update jobs j
         set status = 'completed', result = m.held -> (${key}) -> 'result',
             lease_expires_at = null, completed_at = now(), updated_at = now()
        from m
       where j.id = any (${completions.map((c) => c.holder.jobId)}::bigint[]) ${fence}
      returning j.id, j.attempt_count, j.lease_owner
    ),
    i as (
      select x.*, ${accepted} as ok
        from jsonb_to_recordset(${sql.json(input as never)}::jsonb)
          as x(id bigint, attempt int, owner text, run_id text, instance_id text, boot_id text,
               worker text, result jsonb)
    ),
    events as (
      insert into job_execution_events
        (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
      select i.id, i.run_id, i.attempt,
             case when i.ok then 'finish' else 'completion_rejected' end,
             i.instance_id, i.boot_id, i.worker,
             case when i.ok then jsonb_build_object('trades', coalesce(i.result -> 'trades', 'null'::jsonb))
                  else jsonb_build_object('owner', i.owner) end
        from i
    )
    select id::text as id from done`;
  return new Set(rows.map((r) => r.id));
};
