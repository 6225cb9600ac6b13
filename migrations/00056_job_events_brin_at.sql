-- Every claim and every completion writes one job_execution_events row per job, so each
-- index on the table costs a btree insertion per job twice. `at` is only read by the
-- evidence pruner (`at < cutoff`), and rows arrive in `at` order: a BRIN index answers
-- that range as well at a fraction of the upkeep (one summary per 128 pages, updated
-- only when a range's bounds grow).
drop index job_execution_events_at;
create index job_execution_events_at on job_execution_events using brin (at);
