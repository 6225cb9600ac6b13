import { Table, Text } from "@mantine/core";
import { VerdictBadge } from "../VerdictBadge/VerdictBadge.tsx";

export interface CheckRow {
  readonly name: string;
  readonly expected: string;
  readonly actual: number | string | boolean | null;
  readonly pass: boolean;
  /** Three-tier checks: risk sits between the PASS and FAIL lines (absent: pass ? pass : fail). */
  readonly zone?: "pass" | "risk" | "fail" | undefined;
  readonly detail?: string | undefined;
}

const badgeOf = (c: CheckRow) => (c.zone === "risk" ? "RISK" : c.pass ? "PASS" : "FAIL");

/** Every check with what was expected next to what was measured. */
export function ChecksTable({ checks }: { readonly checks: readonly CheckRow[] }) {
  if (checks.length === 0) return <Text c="dimmed">No checks yet.</Text>;
  return (
    <Table striped withTableBorder data-testid="checks">
      <Table.Thead>
        <Table.Tr>
          <Table.Th />
          <Table.Th>check</Table.Th>
          <Table.Th>expected</Table.Th>
          <Table.Th>actual</Table.Th>
          <Table.Th>detail</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {checks.map((c) => (
          <Table.Tr
            key={c.name}
            data-check={c.name}
            data-pass={c.pass}
            data-zone={c.zone ?? (c.pass ? "pass" : "fail")}
          >
            <Table.Td w={80}>
              <VerdictBadge verdict={badgeOf(c)} />
            </Table.Td>
            <Table.Td>{c.name}</Table.Td>
            <Table.Td>{c.expected}</Table.Td>
            <Table.Td>{String(c.actual)}</Table.Td>
            <Table.Td>
              <Text size="xs">{c.detail ?? ""}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
