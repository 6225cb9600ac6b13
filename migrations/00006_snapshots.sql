-- Market-data snapshots pushed by producers (DESIGN section 11). The producer chooses the
-- id, so a retried ingest finds its row; content_hash (sha256 hex of the canonical
-- encoding, apps/api/src/snapshots/hash.ts) tells an identical retry from a changed one.
-- A row exists only once its flush committed: that commit is the acknowledgement.
create table snapshots (
  id text primary key,
  instrument text not null,
  bar_time timestamptz not null,
  open double precision not null,
  high double precision not null,
  low double precision not null,
  close double precision not null,
  volume bigint not null check (volume >= 0),
  producer jsonb not null,
  content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
  run_id text,
  instance_id text not null,
  boot_id text not null,
  stored_at timestamptz not null default now()
);

create index snapshots_instrument_bar_time on snapshots (instrument, bar_time);
create index snapshots_run on snapshots (run_id) where run_id is not null;
