-- The harness's own confusion matrix: each `scaleproof calibrate` records the defects it
-- planted, what every run ended as, and whether the harness can be trusted.
create table calibrations (
  id bigserial primary key,
  recorded_at timestamptz not null default now(),
  quick boolean not null,
  trustworthy boolean not null,
  matrix jsonb not null
);
