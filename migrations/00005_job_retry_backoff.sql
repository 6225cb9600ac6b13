-- Retries wait (exponential backoff): a job whose attempt failed is claimable again only
-- from run_after on; a job that can never succeed (unknown symbol, range outside the
-- data) fails at once instead of burning its attempts.
alter table jobs add column run_after timestamptz not null default now();

-- A worker stopping gracefully hands its lease back at once ('released'), without
-- using up an attempt.
alter table job_execution_events drop constraint job_execution_events_kind_check;
alter table job_execution_events add constraint job_execution_events_kind_check
  check (kind in ('start', 'finish', 'lease_lost', 'completion_rejected', 'failed', 'released'));
