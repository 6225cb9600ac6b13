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
 * (The `= any` on the ids lets the update find its rows by primary key, not by hashing
 * the whole table.)
 */
export const completeJobs = async (
  sql: Sql,
  completions: readonly Completion[],
  options: { fenced?: boolean } = {},
): Promise<Set<string>> => {
  if (completions.length === 0) return new Set();
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
  const fence =
    options.fenced === false
      ? sql``
      : sql`and j.status = 'running' and j.lease_owner = i.owner and j.attempt_count = i.attempt`;
  const rows = await sql<{ id: string }[]>`
    with i as (
      select * from jsonb_to_recordset(${sql.json(input as never)}::jsonb)
        as x(id bigint, attempt int, owner text, run_id text, instance_id text, boot_id text,
             worker text, result jsonb)
    ),
    done as (
      update jobs j
         set status = 'completed', result = i.result, lease_expires_at = null,
             completed_at = now(), updated_at = now()
        from i
       where j.id = i.id and j.id = any (${completions.map((c) => c.holder.jobId)}::bigint[]) ${fence}
      returning j.id
    ),
    events as (
      insert into job_execution_events
        (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
      select i.id, i.run_id, i.attempt,
             case when d.id is null then 'completion_rejected' else 'finish' end,
             i.instance_id, i.boot_id, i.worker,
             case when d.id is null then jsonb_build_object('owner', i.owner)
                  else jsonb_build_object('trades', coalesce(i.result -> 'trades', 'null'::jsonb)) end
        from i left join done d on d.id = i.id
    )
    select id::text as id from done`;
  return new Set(rows.map((r) => r.id));
};
