-- One row per bars request that carried an x-scale-test-run header: the persisted half
-- of the cache evidence (the other halves are the Redis counters and the upstream's
-- own request count).
create table bars_request_events (
  id bigserial primary key,
  at timestamptz not null default now(),
  run_id text not null,
  instance_id text not null,
  boot_id text not null,
  cache_key text not null,
  outcome text not null check (outcome in ('HIT', 'MISS', 'WAIT', 'ERROR')),
  cache_hit boolean not null,
  lock_acquired boolean not null,
  provider_fetch boolean not null,
  coalesced boolean not null,
  bytes_in integer not null,
  bytes_out integer not null,
  duration_ms double precision not null,
  error text
);

create index bars_request_events_run on bars_request_events (run_id, cache_key);
