import { Badge, Table, Text, Tooltip } from "@mantine/core";
import { fmt, type LevelView } from "./level.ts";

/** A failed gate's cell in red. */
const failedStyle = (l: LevelView, gate: string) => (l.failed.includes(gate) ? { c: "red" } : {});

const VERDICT_COLOR = { PASS: "green", RISK: "orange", FAIL: "red", RUNNER: "gray" } as const;

/**
 * Each level of a load run, in the order run: offered vs achieved rate, latency
 * percentiles and error rate against the level's gates, and its verdict. A level still
 * running shows what is planned; RUNNER means the runner could not offer the rate
 * (its figures are not held against the service).
 */
export function LevelsTable({ levels }: { readonly levels: readonly LevelView[] }) {
  if (levels.length === 0) return <Text c="dimmed">No load levels yet.</Text>;
  return (
    <Table striped withTableBorder data-testid="levels-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>level</Table.Th>
          <Table.Th>offered (req/s)</Table.Th>
          <Table.Th>achieved (req/s)</Table.Th>
          <Table.Th>achieved / offered (gate)</Table.Th>
          <Table.Th>p50 (ms)</Table.Th>
          <Table.Th>p95 (ms, gate)</Table.Th>
          <Table.Th>p99 (ms)</Table.Th>
          <Table.Th>errors (%)</Table.Th>
          <Table.Th>verdict</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {levels.map((l) => (
          <Table.Tr key={l.name} data-level={l.name} data-verdict={l.verdict ?? "running"}>
            <Table.Td>
              {l.name}
              <Text span size="xs" c="dimmed">
                {" "}
                {l.kind} · {fmt(l.durationS, 0)} s
              </Text>
            </Table.Td>
            <Table.Td>{fmt(l.offeredRps, 2)}</Table.Td>
            <Table.Td>{fmt(l.achievedRps, 2)}</Table.Td>
            <Table.Td {...failedStyle(l, "achieved")}>
              {l.achievedPct === null ? "—" : `${fmt(l.achievedPct)} %`} (≥ {l.gate.achievedPct} %)
            </Table.Td>
            <Table.Td>{fmt(l.p50Ms)}</Table.Td>
            <Table.Td {...failedStyle(l, "p95")}>
              {fmt(l.p95Ms)} (&lt; {l.gate.p95Ms})
            </Table.Td>
            <Table.Td>{fmt(l.p99Ms)}</Table.Td>
            <Table.Td {...failedStyle(l, "errors")}>{fmt(l.errorPct, 3)}</Table.Td>
            <Table.Td>
              {l.verdict === null ? (
                <Badge color="blue" variant="light">
                  running
                </Badge>
              ) : (
                <Tooltip
                  label={
                    l.verdict === "RUNNER"
                      ? (l.runner ?? "")
                      : l.failed.join(", ") || "all gates met"
                  }
                  multiline
                  w={320}
                >
                  <Badge color={VERDICT_COLOR[l.verdict]} variant="filled">
                    {l.verdict === "RUNNER" ? "runner could not offer" : l.verdict}
                  </Badge>
                </Tooltip>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
