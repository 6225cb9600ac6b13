-- What survives a full GC, per sample: the leak verdict trends these, not heapUsed
-- (which carries whatever garbage the last collection left). Null when the sample has
-- no fresh post-GC reading (observe mode without a major GC since the previous sample).
alter table memory_samples
  add column post_gc_heap double precision,
  -- compiled code and bytecode within it (code and trusted spaces): the JIT grows it while
  -- warming up, so the heap verdict judges post_gc_heap - post_gc_code (the objects)
  add column post_gc_code double precision,
  -- V8's committed heap: rss - post_gc_heap_total is the memory outside the V8 heap
  add column post_gc_heap_total double precision,
  -- external includes array_buffers (Node counts Buffers in both)
  add column post_gc_external double precision,
  add column post_gc_array_buffers double precision,
  add column post_gc_rss double precision,
  -- 'forced': a full GC run by the sampler (--expose-gc); 'observed': the last major GC
  add column post_gc_source text check (post_gc_source in ('forced', 'observed')),
  -- how long the forced collection paused the instance (its cost, ms)
  add column gc_forced_ms double precision,
  -- requests this instance began since its previous sample (per-1,000-requests figures)
  add column requests integer not null default 0,
  -- the rss budget the shedder judges against (container limit), null when none is known
  add column memory_limit double precision;
