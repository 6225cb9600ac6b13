import { Paper, Text } from "@mantine/core";

/** One key figure: a label and its value ("—" when not measured). */
export function MetricCard({
  label,
  value,
  unit,
}: {
  readonly label: string;
  readonly value: number | string | null | undefined;
  readonly unit?: string;
}) {
  return (
    <Paper withBorder p="sm" radius="md" miw={140} data-metric={label}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value === null || value === undefined ? "—" : `${value}${unit ? ` ${unit}` : ""}`}
      </Text>
    </Paper>
  );
}
