import { Paper, Stack, Text, Title } from "@mantine/core";
import { recommendationOf } from "@scaleproof/core/scale-test/profiles/load/recommendation";
import type { LevelRow } from "@scaleproof/core/scale-test/profiles/load/rows";
import { zoneBoundsOf } from "@scaleproof/core/scale-test/profiles/load/rows";
import {
  describeBounds,
  SIGNAL_INFO,
  SIGNALS,
} from "@scaleproof/core/scale-test/profiles/load/zones";
import type { Readings } from "@scaleproof/core/scale-test/schema";
import { LevelsChart } from "@scaleproof/ui/LevelsChart";
import { LevelsTable } from "@scaleproof/ui/LevelsTable";
import { ZoneTable } from "@scaleproof/ui/ZoneTable";

/** Short column names for the zone table (the legend carries the long ones). */
const SHORT: Readonly<Record<string, string>> = {
  cpu: "CPU",
  memory: "memory",
  p95: "p95",
  errors: "errors",
  eventLoop: "event-loop p99",
  requestsInFlight: "requests in flight",
  dbWaiting: "DB waiting",
};

/**
 * A load run's levels, live (each level appears as it starts and fills in once judged):
 * offered vs achieved rate and latency per level, the gates, the zone table, and the
 * run's scale-out statement.
 */
export function LoadLevels({
  levels,
  metrics,
}: {
  readonly levels: readonly LevelRow[];
  readonly metrics: Readings;
}) {
  const bounds = zoneBoundsOf(metrics);
  const signals = SIGNALS.map((s) => ({
    key: s,
    label: SHORT[s] ?? s,
    unit: SIGNAL_INFO[s].unit,
    bounds: bounds?.[s] ? `${SIGNAL_INFO[s].label} ${describeBounds(s, bounds[s])}` : null,
  }));
  // worded from the run's numbers (load.scale_out_above_per_instance_rps and its neighbours)
  const statement = recommendationOf(metrics);
  return (
    <Paper withBorder p="sm" data-testid="load-levels">
      <Stack>
        <Title order={5}>Load levels</Title>
        {statement !== null && (
          <Text fw={600} data-testid="load-recommendation">
            {statement}
          </Text>
        )}
        <LevelsChart levels={levels} />
        <LevelsTable levels={levels} />
        <Title order={6}>Risk zones per level (seed 002)</Title>
        <ZoneTable levels={levels} signals={signals} />
      </Stack>
    </Paper>
  );
}
