-- The evidence each profile's judge computed a run's verdict from (plain JSON, the
-- shape of `runEvidence` in packages/core/src/scale-test/evidence/schema.ts), written by
-- the runner when the run ends. Its own table: run lists and status reads never load it;
-- only the export does, so `scaleproof judge` can re-compute the verdict from the file.
create table scale_test_run_evidence (
  run_id text primary key references scale_test_runs (id) on delete cascade,
  evidence jsonb not null,
  created_at timestamptz not null default now()
);
