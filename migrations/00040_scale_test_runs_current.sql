-- The status endpoint's "current run" (the active one, else the newest) orders by
-- (status in ('queued', 'running')) desc, created_at desc, id desc: without an index in
-- that order every status poll sorts the whole table (a Seq Scan the db profile's plan
-- check FAILs once runs pile up). With it, the answer is the index's first entry.
create index scale_test_runs_current
  on scale_test_runs ((status in ('queued', 'running')) desc, created_at desc, id desc);
