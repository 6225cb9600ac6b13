-- When each bars request started and how it was released, on the instance's own clock:
-- the evidence that concurrent requests overlapped one fetch (the cache profile judges
-- it). released_by: hit, fetch (it fetched and filled), wake (the fill's pub/sub
-- message), poll (a timed re-check found the value), single-flight (shared a request in
-- flight on its instance), error. The fetcher also records when its provider call began
-- and when it sent the fill. Rows written before this migration leave them null.
alter table bars_request_events
  add column started_at timestamptz,
  add column finished_at timestamptz,
  add column released_by text
    check (released_by in ('hit', 'fetch', 'wake', 'poll', 'single-flight', 'error')),
  add column takeover boolean not null default false,
  add column fetch_started_at timestamptz,
  add column filled_at timestamptz;
