-- Three-tier verdicts (DESIGN section 9): a run is PASS, RISK (a check sits between its
-- PASS and FAIL lines, e.g. a slow leak of 10-50 MB/h) or FAIL.
alter table scale_test_runs drop constraint if exists scale_test_runs_verdict_check;
alter table scale_test_runs
  add constraint scale_test_runs_verdict_check check (verdict in ('PASS', 'RISK', 'FAIL'));
