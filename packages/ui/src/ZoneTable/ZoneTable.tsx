import { Badge, Group, Table, Text, Tooltip } from "@mantine/core";
import { fmt, type LevelView, ZONE_COLOR } from "../LevelsTable/level.ts";

export interface SignalColumn {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** `< 70 % STABLE, 70-90 % RISK, > 90 % FAIL` */
  readonly bounds: string | null;
}

const withUnit = (value: number | null, unit: string) =>
  value === null ? "—" : `${fmt(value)}${unit === "%" ? " %" : unit ? ` ${unit}` : ""}`;

/**
 * Risk zones (seed 002): each level x each signal, STABLE / RISK / FAIL, with the value
 * it was judged on (the worst instance's, which the tooltip names). Empty cells were not
 * measured, or not judged because the runner could not offer the rate.
 */
export function ZoneTable({
  levels,
  signals,
}: {
  readonly levels: readonly LevelView[];
  readonly signals: readonly SignalColumn[];
}) {
  const judged = levels.filter((l) => l.zones !== null);
  if (judged.length === 0) return <Text c="dimmed">No level judged yet.</Text>;
  return (
    <>
      <Table withTableBorder data-testid="zone-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>level</Table.Th>
            {signals.map((s) => (
              <Table.Th key={s.key}>
                {s.label}
                {s.unit ? ` (${s.unit})` : ""}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {judged.map((l) => (
            <Table.Tr key={l.name} data-level={l.name}>
              <Table.Td>{l.name}</Table.Td>
              {signals.map((s) => {
                const r = l.zones?.[s.key];
                return (
                  <Table.Td key={s.key} data-signal={s.key} data-zone={r?.zone ?? "none"}>
                    {r?.zone ? (
                      <Tooltip label={r.instance ? `worst: ${r.instance}` : s.label}>
                        <Badge color={ZONE_COLOR[r.zone]} variant="light">
                          {r.zone} {withUnit(r.value, s.unit)}
                        </Badge>
                      </Tooltip>
                    ) : (
                      <Text size="xs" c="dimmed">
                        {r?.note ?? "—"}
                      </Text>
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group gap="xs" mt="xs" data-testid="zone-legend">
        {(["STABLE", "RISK", "FAIL"] as const).map((z) => (
          <Badge key={z} color={ZONE_COLOR[z]} variant="light">
            {z}
          </Badge>
        ))}
        <Text size="xs" c="dimmed">
          {signals
            .filter((s) => s.bounds)
            .map((s) => `${s.label}: ${s.bounds}`)
            .join(" · ")}
        </Text>
      </Group>
    </>
  );
}
