-- One row per instance per sampling interval while a scale-test run is active: the
-- memory profile's evidence (byte counts as double precision: exact below 2^53).
create table memory_samples (
  id bigserial primary key,
  run_id text not null,
  instance_id text not null,
  boot_id text not null,
  at timestamptz not null,
  uptime_s double precision not null,
  heap_used double precision not null,
  heap_total double precision not null,
  -- heapUsed minus the young generation: what survives scavenges, so the trend of a
  -- quiet process is flat between major GCs instead of a young-generation saw-tooth
  old_gen_used double precision not null,
  rss double precision not null,
  external double precision not null,
  array_buffers double precision not null,
  heap_limit double precision not null,
  eld_p50_ms double precision,
  eld_p99_ms double precision,
  eld_max_ms double precision,
  elu double precision,
  gc_count integer not null,
  gc_ms double precision not null,
  gc_kinds jsonb not null default '{}',
  pressure double precision not null,
  shedding boolean not null
);

create index memory_samples_run on memory_samples (run_id, instance_id, at);
