-- The cluster-wide cap on pending jobs (queued + running). Every capped enqueue (backtests,
-- upload finalize) first takes `lock table job_queue_gate in exclusive mode`, then counts
-- and inserts in the same transaction, so enqueuers on all instances pass one at a time.
-- LOCK TABLE takes no snapshot (unlike `select pg_advisory_xact_lock(...)`): a SERIALIZABLE
-- finalize that locks first counts with a snapshot taken after the previous holder
-- committed, so the cap holds across isolation levels. The table holds no rows.
create table job_queue_gate ();
