-- A claim (queued -> running) and a heartbeat change no indexed column, so Postgres can
-- write them as HOT updates (the new row version on the same page, no index entries):
-- the claimable index now filters on `finished`, a stored column derived from `status`,
-- instead of on `status` itself (a partial index's predicate columns count as indexed,
-- so every claim used to add an entry to each of the table's indexes). Only the move to
-- completed/failed changes `finished`. Pages keep room for the claim's new version.
alter table jobs add column finished boolean not null
  generated always as (status in ('completed', 'failed')) stored;
drop index jobs_claimable;
create index jobs_claimable on jobs (id) where not finished;
alter table jobs set (fillfactor = 50);
