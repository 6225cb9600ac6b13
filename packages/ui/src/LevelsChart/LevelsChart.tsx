import { BarChart } from "@mantine/charts";
import { SimpleGrid, Text } from "@mantine/core";
import type { LevelView } from "../LevelsTable/level.ts";

/**
 * A load run's levels side by side: offered vs achieved request rate (req/s), and the
 * latency percentiles p50 / p95 / p99 (ms, from each request's intended send time). A
 * level still running has no achieved rate or latency yet.
 */
export function LevelsChart({ levels }: { readonly levels: readonly LevelView[] }) {
  if (levels.length === 0) return <Text c="dimmed">No load levels yet.</Text>;
  const data = levels.map((l) => ({
    level: l.name,
    offered: l.offeredRps,
    achieved: l.achievedRps ?? 0,
    p50: l.p50Ms ?? 0,
    p95: l.p95Ms ?? 0,
    p99: l.p99Ms ?? 0,
  }));
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="levels-chart">
      <BarChart
        h={240}
        data={data}
        dataKey="level"
        unit=" req/s"
        withLegend
        yAxisLabel="requests per second"
        series={[
          { name: "offered", color: "gray.5" },
          { name: "achieved", color: "teal.6" },
        ]}
      />
      <BarChart
        h={240}
        data={data}
        dataKey="level"
        unit=" ms"
        withLegend
        yAxisLabel="latency (ms)"
        series={[
          { name: "p50", color: "teal.6" },
          { name: "p95", color: "orange.6" },
          { name: "p99", color: "red.6" },
        ]}
      />
    </SimpleGrid>
  );
}
