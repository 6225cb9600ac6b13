-- Scale-test runs and what happened during them. Run state lives here (not in the
-- runner's memory) so that every instance answers status/results alike, and a run
-- whose runner died is found and ended by any instance once its lease has expired.
create table scale_test_runs (
  id text primary key,
  profile text not null,
  params jsonb not null,
  status text not null check (status in ('queued', 'running', 'passed', 'failed', 'aborted')),
  verdict text check (verdict in ('PASS', 'FAIL')),
  progress double precision not null default 0 check (progress between 0 and 1),
  current_step text,
  checks jsonb not null default '[]',
  metrics jsonb not null default '{}',
  reason text,
  target_url text not null,
  runner_instance_id text not null,
  runner_boot_id text not null,
  runner_version text not null,
  lease_expires_at timestamptz,
  cancel_requested boolean not null default false,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);

-- One active run across all instances: a second insert while one is queued/running
-- fails on this index, whichever instance tries.
create unique index scale_test_runs_one_active on scale_test_runs ((true))
  where status in ('queued', 'running');
create index scale_test_runs_created on scale_test_runs (created_at desc);

create table scale_test_events (
  id bigserial primary key,
  run_id text not null references scale_test_runs (id),
  at timestamptz not null default now(),
  kind text not null,
  step text,
  instance_id text,
  boot_id text,
  data jsonb not null default '{}'
);

create index scale_test_events_run on scale_test_events (run_id, id);
