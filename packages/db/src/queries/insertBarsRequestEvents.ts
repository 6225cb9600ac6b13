import type { Sql } from "../client.ts";

export interface BarsRequestEvent {
  readonly runId: string;
  readonly instanceId: string;
  readonly bootId: string;
  readonly cacheKey: string;
  readonly outcome: "HIT" | "MISS" | "WAIT" | "ERROR";
  readonly cacheHit: boolean;
  readonly lockAcquired: boolean;
  readonly providerFetch: boolean;
  readonly coalesced: boolean;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly error: string | null;
  readonly at: Date;
  /** On the instance's clock: the lookup began and was answered. */
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** hit | fetch | wake | poll | single-flight | error (see migration 00020). */
  readonly releasedBy: string;
  readonly takeover: boolean;
  /** The fetcher's own: its provider call began, and it sent the fill. */
  readonly fetchStartedAt: Date | null;
  readonly filledAt: Date | null;
}

/** One multi-row insert for a batch of events (the writer batches them off the hot path). */
export const insertBarsRequestEvents = async (
  sql: Sql,
  events: readonly BarsRequestEvent[],
): Promise<void> => {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    at: e.at,
    run_id: e.runId,
    instance_id: e.instanceId,
    boot_id: e.bootId,
    cache_key: e.cacheKey,
    outcome: e.outcome,
    cache_hit: e.cacheHit,
    lock_acquired: e.lockAcquired,
    provider_fetch: e.providerFetch,
    coalesced: e.coalesced,
    bytes_in: e.bytesIn,
    bytes_out: e.bytesOut,
    duration_ms: e.durationMs,
    error: e.error,
    started_at: e.startedAt,
    finished_at: e.finishedAt,
    released_by: e.releasedBy,
    takeover: e.takeover,
    fetch_started_at: e.fetchStartedAt,
    filled_at: e.filledAt,
  }));
  await sql`insert into bars_request_events ${sql(rows)}`;
};
