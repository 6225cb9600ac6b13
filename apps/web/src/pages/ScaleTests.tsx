import { Alert, Group, Loader, Stack, Table, Title } from "@mantine/core";
import type { RunView } from "@scaleproof/core/scale-test/schema";
import { p95Summary } from "@scaleproof/ui/LatencyChart";
import { ScaleReadyPill } from "@scaleproof/ui/ScaleReadyPill";
import { VerdictBadge } from "@scaleproof/ui/VerdictBadge";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { metricOf } from "../metrics.ts";
import { useTRPC } from "../trpc.ts";
import { RunDetail, verdictOf } from "./RunDetail.tsx";
import { RunLauncher } from "./RunLauncher.tsx";

const metric = (run: RunView, key: string) => String(metricOf(run.metrics, key) ?? "—");

/**
 * Scale Ready: YES when the latest full run says so, else when the latest cache, jobs
 * and memory runs all passed; unknown until there is evidence for each.
 */
const scaleReady = (runs: readonly RunView[]): boolean | null => {
  const ended = runs.filter((r) => r.verdict !== null);
  const full = ended.find((r) => r.profile === "full");
  const latest = (p: string) => ended.find((r) => r.profile === p);
  const parts = ["cache", "jobs", "memory"].map(latest);
  if (full && parts.every((p) => !p || p.createdAt <= full.createdAt))
    return full.metrics.scale_ready === "YES";
  if (parts.some((p) => !p)) return parts.some((p) => p?.verdict === "FAIL") ? false : null;
  return parts.every((p) => p?.verdict === "PASS");
};

/** The Scale Tests tab: verdict pill, launcher, last runs, and the selected run's detail. */
export function ScaleTests() {
  const trpc = useTRPC();
  const [selected, setSelected] = useState<string | null>(null);
  const runs = useQuery({
    ...trpc.scaleTest.list.queryOptions({ limit: 20 }),
    refetchInterval: 2000,
  });
  if (runs.isPending) return <Loader />;
  if (runs.isError) return <Alert color="red">{runs.error.message}</Alert>;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Scale Tests</Title>
        <ScaleReadyPill ready={scaleReady(runs.data)} />
      </Group>
      <RunLauncher onStarted={setSelected} />
      <Table striped highlightOnHover withTableBorder data-testid="runs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>run</Table.Th>
            <Table.Th>profile</Table.Th>
            <Table.Th>verdict</Table.Th>
            <Table.Th>hit rate</Table.Th>
            <Table.Th>provider fetch</Table.Th>
            <Table.Th>duplicates</Table.Th>
            <Table.Th>heap peak</Table.Th>
            <Table.Th>restarts</Table.Th>
            <Table.Th>p95 ms</Table.Th>
            <Table.Th>started</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.data.map((r) => (
            <Table.Tr
              key={r.id}
              onClick={() => setSelected(r.id)}
              style={{ cursor: "pointer" }}
              data-run={r.id}
            >
              <Table.Td>{r.id}</Table.Td>
              <Table.Td>{r.profile}</Table.Td>
              <Table.Td>
                <VerdictBadge verdict={verdictOf(r)} />
              </Table.Td>
              <Table.Td>{metric(r, "hit_rate_after_warmup_ratio")}</Table.Td>
              <Table.Td>{metric(r, "stampede.provider_fetch_count")}</Table.Td>
              <Table.Td>{metric(r, "jobs.duplicates_count")}</Table.Td>
              <Table.Td>
                {(() => {
                  const peaks = Object.entries(r.metrics)
                    .filter(([k, v]) => k.endsWith("heap_peak_mb") && typeof v === "number")
                    .map(([, v]) => Number(v));
                  return peaks.length ? `${Math.max(...peaks)} MB` : "—";
                })()}
              </Table.Td>
              <Table.Td>{metric(r, "restarts_count")}</Table.Td>
              <Table.Td data-testid="run-p95">{p95Summary(r.metrics)}</Table.Td>
              <Table.Td>{new Date(r.createdAt).toLocaleTimeString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {selected && <RunDetail key={selected} runId={selected} />}
    </Stack>
  );
}
