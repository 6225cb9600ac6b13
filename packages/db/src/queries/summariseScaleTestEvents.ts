import type { Sql } from "../client.ts";

export interface ScaleTestEventSummary {
  readonly total: number;
  readonly byKind: Record<string, number>;
  readonly byStep: Record<string, number>;
  /** Instances that answered the run's requests, with every boot id and version they showed. */
  readonly instances: {
    instanceId: string;
    bootIds: string[];
    versions: string[];
    requests: number;
  }[];
}

export const summariseScaleTestEvents = async (
  sql: Sql,
  runId: string,
): Promise<ScaleTestEventSummary> => {
  const kinds = await sql<{ key: string; n: number }[]>`
    select kind as key, count(*)::int as n from scale_test_events
     where run_id = ${runId} group by kind order by kind`;
  const steps = await sql<{ key: string; n: number }[]>`
    select coalesce(step, '(none)') as key, count(*)::int as n from scale_test_events
     where run_id = ${runId} group by 1 order by 1`;
  const instances = await sql<
    { instance_id: string; boot_ids: string[]; versions: string[]; requests: number }[]
  >`
    select instance_id,
           array_agg(distinct boot_id) filter (where boot_id is not null) as boot_ids,
           array_agg(distinct data->>'version') filter (where data->>'version' is not null) as versions,
           count(*)::int as requests
      from scale_test_events
     where run_id = ${runId} and kind = 'request' and instance_id is not null
     group by instance_id order by instance_id`;
  const toRecord = (rows: { key: string; n: number }[]) =>
    Object.fromEntries(rows.map((r) => [r.key, r.n]));
  return {
    total: kinds.reduce((sum, r) => sum + r.n, 0),
    byKind: toRecord(kinds),
    byStep: toRecord(steps),
    instances: instances.map((r) => ({
      instanceId: r.instance_id,
      bootIds: r.boot_ids ?? [],
      versions: r.versions ?? [],
      requests: r.requests,
    })),
  };
};
