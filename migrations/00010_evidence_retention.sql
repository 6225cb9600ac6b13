-- Retention: evidence is pruned by age (and by a row cap per table), oldest first, so a
-- long progressive run at 100 req/s cannot fill the disk. These indexes keep the pruner's
-- "older than" scans off the whole table.
create index bars_request_events_at on bars_request_events (at);
create index scale_test_events_at on scale_test_events (at);
create index memory_samples_at on memory_samples (at);
create index job_execution_events_at on job_execution_events (at);
