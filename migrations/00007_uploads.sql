-- Large uploads, streamed in chunks straight into Postgres (never on an instance's disk).
-- An upload is `open` while chunks arrive and `finalized` once its bytes were verified
-- and its processing job enqueued (exactly one job: finalize runs under SERIALIZABLE).
create table uploads (
  id uuid primary key default gen_random_uuid(),
  filename text not null,
  content_type text not null,
  declared_size bigint not null check (declared_size >= 0),
  declared_sha256 text not null check (declared_sha256 ~ '^[0-9a-f]{64}$'),
  status text not null default 'open' check (status in ('open', 'finalized')),
  job_id bigint references jobs (id),
  run_id text,
  instance_id text not null,
  created_at timestamptz not null default now(),
  -- Every chunk write updates the row, so a finalize racing a chunk write conflicts on it.
  updated_at timestamptz not null default now(),
  finalized_at timestamptz,
  check ((status = 'finalized') = (job_id is not null))
);

create unique index uploads_job on uploads (job_id) where job_id is not null;

-- Chunk n (0, 1, 2...) of an upload: written once, never changed (a retry with the same
-- sha256 is a duplicate; with another it is refused).
create table upload_chunks (
  upload_id uuid not null references uploads (id) on delete cascade,
  n integer not null check (n >= 0),
  size integer not null check (size >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea not null,
  created_at timestamptz not null default now(),
  primary key (upload_id, n)
);

-- Uploads are mostly compressed or binary already: do not spend CPU trying to compress them.
alter table upload_chunks alter column bytes set storage external;
