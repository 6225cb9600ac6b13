import { BarChart } from "@mantine/charts";
import { Text } from "@mantine/core";

export interface IngestLevelRow {
  /** Offered snapshots per second (the level's name). */
  readonly rate: number;
  readonly offered: number | null;
  readonly achieved: number | null;
  readonly achievedPct: number | null;
  readonly gatePct: number | null;
}

/** Rows from a run's metrics: `ingest.level_<rate>.<figure>`, or `<part>/ingest.level_...` in a full run. */
export const ingestLevelRows = (metrics: Readonly<Record<string, unknown>>): IngestLevelRow[] => {
  const rows = new Map<number, IngestLevelRow>();
  const field = {
    offered_rps: "offered",
    achieved_rps: "achieved",
    achieved_pct: "achievedPct",
    gate_pct: "gatePct",
  } as const;
  for (const [key, value] of Object.entries(metrics)) {
    const m =
      /^(?:\w+\/)?ingest\.level_(\d+(?:\.\d+)?)\.(offered_rps|achieved_rps|achieved_pct|gate_pct)$/.exec(
        key,
      );
    if (!m || typeof value !== "number") continue;
    const rate = Number(m[1]);
    const row = rows.get(rate) ?? {
      rate,
      offered: null,
      achieved: null,
      achievedPct: null,
      gatePct: null,
    };
    rows.set(rate, { ...row, [field[m[2] as keyof typeof field]]: value });
  }
  return [...rows.values()].sort((a, b) => a.rate - b.rate);
};

/** Snapshots per second offered and acknowledged at each level, with each level's gate. */
export function IngestLevelsChart({ rows }: { readonly rows: readonly IngestLevelRow[] }) {
  if (rows.length === 0) return <Text c="dimmed">No ingest levels in this run.</Text>;
  return (
    <>
      <BarChart
        h={220}
        data={rows.map((r) => ({
          level: `${r.rate}/s`,
          offered: r.offered ?? 0,
          acknowledged: r.achieved ?? 0,
        }))}
        dataKey="level"
        unit=" /s"
        withLegend
        xAxisLabel="level (snapshots offered per second)"
        yAxisLabel="snapshots per second"
        series={[
          { name: "offered", color: "gray.5" },
          { name: "acknowledged", color: "teal.6" },
        ]}
        data-testid="ingest-levels-chart"
      />
      <Text size="xs" c="dimmed" data-testid="ingest-level-gates">
        {rows
          .map(
            (r) =>
              `${r.rate}/s: ${r.achievedPct ?? "—"} % acknowledged (gate ≥ ${r.gatePct ?? "—"} %)`,
          )
          .join(" · ")}
      </Text>
    </>
  );
}
