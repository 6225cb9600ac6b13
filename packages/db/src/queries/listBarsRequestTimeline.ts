import type { Sql } from "../client.ts";

/** One persisted bars request of a run, with its instance's own timestamps (ms since the epoch). */
export interface BarsRequestTiming {
  readonly instanceId: string;
  readonly bootId: string;
  readonly outcome: "HIT" | "MISS" | "WAIT" | "ERROR";
  readonly releasedBy: string;
  readonly providerFetch: boolean;
  readonly takeover: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly fetchStartedAt: number | null;
  readonly filledAt: number | null;
}

/**
 * The requests of one run for one cache key, in the order they started: how each was
 * released and when (rows written before migration 00020 carry no timings and are left out).
 */
export const listBarsRequestTimeline = async (
  sql: Sql,
  runId: string,
  cacheKey: string,
): Promise<BarsRequestTiming[]> => {
  const rows = await sql<
    {
      instance_id: string;
      boot_id: string;
      outcome: BarsRequestTiming["outcome"];
      released_by: string;
      provider_fetch: boolean;
      takeover: boolean;
      started_at: Date;
      finished_at: Date;
      fetch_started_at: Date | null;
      filled_at: Date | null;
    }[]
  >`
    select instance_id, boot_id, outcome, released_by, provider_fetch, takeover,
           started_at, finished_at, fetch_started_at, filled_at
      from bars_request_events
     where run_id = ${runId} and cache_key = ${cacheKey}
       and started_at is not null and finished_at is not null and released_by is not null
     order by started_at, id`;
  return rows.map((r) => ({
    instanceId: r.instance_id,
    bootId: r.boot_id,
    outcome: r.outcome,
    releasedBy: r.released_by,
    providerFetch: r.provider_fetch,
    takeover: r.takeover,
    startedAt: r.started_at.getTime(),
    finishedAt: r.finished_at.getTime(),
    fetchStartedAt: r.fetch_started_at?.getTime() ?? null,
    filledAt: r.filled_at?.getTime() ?? null,
  }));
};
