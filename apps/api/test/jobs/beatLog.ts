import type { Sql } from "@scaleproof/db/client";

/**
 * Records, in the test's own database, every heartbeat statement on `jobs`: a
 * statement-level trigger (transition tables) logs how many rows an update touched when
 * every one of them stayed running under the same owner and attempt and only had its
 * lease extended. Claims, completions, failures and releases change status, owner or
 * attempt, so they are not logged. One row per heartbeat statement, `n` = leases renewed.
 */
export const installBeatLog = async (sql: Sql): Promise<void> => {
  await sql`create table beat_log (at timestamptz not null default clock_timestamp(), n int not null)`;
  await sql`
    create function log_beat() returns trigger language plpgsql as $$
    begin
      insert into beat_log (n)
      select count(*) from o join n using (id)
       where o.status = 'running' and n.status = 'running'
         and o.lease_owner = n.lease_owner and o.attempt_count = n.attempt_count
         and n.lease_expires_at is distinct from o.lease_expires_at
      having count(*) > 0 and count(*) = (select count(*) from n);
      return null;
    end $$`;
  await sql`
    create trigger beat_log after update on jobs
      referencing old table as o new table as n
      for each statement execute function log_beat()`;
};

/** The leases each logged heartbeat statement renewed, oldest first. */
export const beats = async (sql: Sql): Promise<number[]> =>
  (await sql<{ n: number }[]>`select n from beat_log order by at`).map((r) => r.n);
