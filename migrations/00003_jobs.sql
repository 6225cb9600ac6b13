-- Backtest jobs under execution leases (DESIGN section 5). A job is claimable when it is
-- queued, or running with an expired lease (its worker died), and has attempts left.
create table jobs (
  id bigserial primary key,
  kind text not null default 'backtest',
  run_id text,
  payload jsonb not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'failed')),
  lease_owner text,
  lease_expires_at timestamptz,
  attempt_count integer not null default 0,
  max_attempts integer not null default 3 check (max_attempts between 1 and 20),
  result jsonb,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);

create index jobs_claimable on jobs (id) where status in ('queued', 'running');
create index jobs_run on jobs (run_id, id) where run_id is not null;

-- What each attempt did, written by the worker (start, finish, lease_lost,
-- completion_rejected, failed). `previous_lease_expires_at` on a start is the lease
-- the claim took over, so a checker can prove a retry came after the expiry.
create table job_execution_events (
  id bigserial primary key,
  job_id bigint not null references jobs (id),
  run_id text,
  attempt integer not null,
  kind text not null
    check (kind in ('start', 'finish', 'lease_lost', 'completion_rejected', 'failed')),
  instance_id text not null,
  boot_id text not null,
  worker text not null,
  at timestamptz not null default now(),
  previous_lease_expires_at timestamptz,
  detail jsonb not null default '{}'
);

create index job_execution_events_job on job_execution_events (job_id, id);
create index job_execution_events_run on job_execution_events (run_id, id) where run_id is not null;

-- A client retrying an enqueue whose answer it lost (the instance died mid-request)
-- sends the same key and gets the same job, never a second one.
alter table jobs add column idempotency_key text;
create unique index jobs_idempotency_key on jobs (idempotency_key) where idempotency_key is not null;
