import type { Sql } from "../client.ts";

export interface ScaleTestEvent {
  readonly runId: string;
  readonly kind: string;
  readonly step: string | null;
  readonly instanceId: string | null;
  readonly bootId: string | null;
  readonly data: Record<string, unknown>;
  readonly at: Date;
}

export const insertScaleTestEvents = async (
  sql: Sql,
  events: readonly ScaleTestEvent[],
): Promise<void> => {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    run_id: e.runId,
    kind: e.kind,
    step: e.step,
    instance_id: e.instanceId,
    boot_id: e.bootId,
    data: sql.json(e.data as never),
    at: e.at,
  }));
  await sql`insert into scale_test_events ${sql(rows)}`;
};
