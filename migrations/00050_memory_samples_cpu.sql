-- CPU per sample: the whole process (main thread, worker threads, libuv's pool) since the
-- previous sample, as % of the cores it may use (its container's CPU quota, else the
-- machine's cores), and that number of cores. The load profile's CPU zone (seed 002).
-- Null in rows written before it was recorded.
alter table memory_samples
  add column cpu_pct double precision,
  add column cpu_cores double precision;
