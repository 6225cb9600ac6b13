import { Badge, Group, Table, Text } from "@mantine/core";

export interface CalibrationRowView {
  readonly caseId: string;
  readonly defect: string;
  readonly profile: string;
  readonly expected: string;
  readonly verdict: string | null;
  readonly outcome: "caught" | "missed" | "passed" | "false alarm" | "no verdict";
  readonly failedChecks: readonly string[];
}

const OUTCOME_COLOR: Record<CalibrationRowView["outcome"], string> = {
  caught: "green",
  passed: "green",
  missed: "red",
  "false alarm": "red",
  "no verdict": "orange",
};

/**
 * The harness's own confusion matrix: each planted defect against the profile that must
 * catch it (caught / missed), and each healthy control (passed / false alarm).
 */
export function CalibrationMatrix({
  rows,
  trustworthy,
}: {
  readonly rows: readonly CalibrationRowView[];
  readonly trustworthy: boolean;
}) {
  return (
    <>
      <Group mb="sm">
        <Badge color={trustworthy ? "green" : "red"} size="lg" data-testid="calibration-verdict">
          {trustworthy ? "every defect caught" : "NOT trustworthy"}
        </Badge>
        <Text size="sm" c="dimmed">
          {rows.filter((r) => r.outcome === "caught").length} of{" "}
          {rows.filter((r) => r.expected === "FAIL").length} planted defects caught;{" "}
          {rows.filter((r) => r.outcome === "passed").length} of{" "}
          {rows.filter((r) => r.expected !== "FAIL").length} controls passed
        </Text>
      </Group>
      <Table striped withTableBorder data-testid="calibration-matrix">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>profile</Table.Th>
            <Table.Th>planted defect</Table.Th>
            <Table.Th>expected</Table.Th>
            <Table.Th>verdict</Table.Th>
            <Table.Th>outcome</Table.Th>
            <Table.Th>checks that failed</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.caseId} data-outcome={r.outcome}>
              <Table.Td>{r.profile}</Table.Td>
              <Table.Td>{r.defect}</Table.Td>
              <Table.Td>{r.expected === "FAIL" ? "FAIL" : "PASS"}</Table.Td>
              <Table.Td>{r.verdict ?? "—"}</Table.Td>
              <Table.Td>
                <Badge color={OUTCOME_COLOR[r.outcome]} variant="light">
                  {r.outcome}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="xs">{r.failedChecks.join(", ") || "—"}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
