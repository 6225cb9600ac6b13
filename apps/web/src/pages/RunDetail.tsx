import { Alert, Button, Group, Paper, Progress, Stack, Table, Text, Title } from "@mantine/core";
import {
  LEVEL_METRIC,
  levelRowsOf,
  ZONE_BOUNDS_METRIC,
} from "@scaleproof/core/scale-test/profiles/load/rows";
import { isTerminal, type RunView } from "@scaleproof/core/scale-test/schema";
import { ChecksTable } from "@scaleproof/ui/ChecksTable";
import { HeapChart } from "@scaleproof/ui/HeapChart";
import { JobTimeline } from "@scaleproof/ui/JobTimeline";
import { LatencyChart, latencyRows } from "@scaleproof/ui/LatencyChart";
import { MetricCard } from "@scaleproof/ui/MetricCard";
import { ScaleReadyPill } from "@scaleproof/ui/ScaleReadyPill";
import { VerdictBadge } from "@scaleproof/ui/VerdictBadge";
import { WritePaths } from "@scaleproof/ui/WritePaths";
import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { formatDuration } from "../duration.ts";
import { metricOf } from "../metrics.ts";
import { useTRPC, useTRPCClient } from "../trpc.ts";
import { LoadLevels } from "./LoadLevels.tsx";

export const verdictOf = (run: Pick<RunView, "status" | "verdict">) =>
  run.verdict ?? (run.status === "aborted" ? "ABORTED" : "RUNNING");

/** One run: live progress (SSE subscription), checks with expected vs actual, metrics, charts, export. */
export function RunDetail({ runId }: { readonly runId: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  // Kept in state: the subscription's own data resets when the stream ends with the run.
  const [streamed, setStreamed] = useState<RunView>();
  const live = useSubscription(
    trpc.scaleTest.onProgress.subscriptionOptions(
      { runId },
      { onData: (v) => setStreamed(v as RunView) },
    ),
  );
  // The stream is the fast path; a slow poll covers a stream that broke (its instance died).
  const results = useQuery({
    ...trpc.scaleTest.results.queryOptions({ runId }),
    refetchInterval: (q) => (q.state.data && isTerminal(q.state.data.run.status) ? false : 3000),
  });
  const polled = results.data?.run;
  const run =
    polled && (isTerminal(polled.status) || !streamed || polled.progress > streamed.progress)
      ? polled
      : (streamed ?? polled);
  const done = run ? isTerminal(run.status) : false;
  const series = useQuery({
    ...trpc.scaleTest.series.queryOptions({ runId }),
    refetchInterval: done ? false : 2000,
  });
  if (results.isError) return <Alert color="red">{results.error.message}</Alert>;
  if (!run) return <Text>Loading run {runId}…</Text>;
  const m = run.metrics;
  const levels = levelRowsOf(m);
  const percent = (done && run.status !== "aborted" ? 1 : run.progress) * 100;
  const pick = (key: string) => metricOf(m, key);
  const exportJson = async () => {
    const doc = await client.scaleTest.export.query({ runId });
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }),
    );
    const a = document.createElement("a");
    a.href = url;
    a.download = `${runId}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Stack data-testid="run-detail" data-status={run.status} data-stream={live.status}>
      <Group justify="space-between">
        <Group>
          <Title order={4}>
            {run.profile} · {run.id}
          </Title>
          <VerdictBadge verdict={verdictOf(run)} />
          {"scale_ready" in m && <ScaleReadyPill ready={m.scale_ready === "YES"} />}
        </Group>
        <Button variant="light" onClick={exportJson} disabled={!done} data-testid="export">
          Export JSON
        </Button>
      </Group>
      <div data-testid="progress" data-progress={Math.round(percent)}>
        <Progress value={percent} animated={!done} />
      </div>
      <Text size="sm" data-testid="current-step">
        {run.status} · step {run.currentStep ?? "—"} · runner {run.runner.instanceId}
        {run.reason ? ` · ${run.reason}` : ""}
      </Text>
      {run.timing && !done && (
        <Text size="sm" c="dimmed" data-testid="timing">
          {run.timing.elapsedMs === null
            ? ""
            : `${formatDuration(run.timing.elapsedMs)} elapsed · `}
          about {formatDuration(run.timing.remainingMs)} left of{" "}
          {formatDuration(run.timing.plannedMs)} planned
          {run.timing.stepProgress === null
            ? ""
            : ` · ${run.currentStep}: ${Math.round(run.timing.stepProgress * 100)} %`}
        </Text>
      )}
      {run.checks.some((c) => !c.pass) && (
        <Alert color="red" title="Failed checks" data-testid="failures">
          {run.checks
            .filter((c) => !c.pass)
            .map((c) => (
              <div key={c.name}>
                {c.name}: expected {c.expected}, got {String(c.actual)}
              </div>
            ))}
        </Alert>
      )}
      <Group>
        <MetricCard label="hit rate" value={pick("hit_rate_after_warmup_ratio")} />
        <MetricCard
          label="provider fetches (stampede)"
          value={pick("stampede.provider_fetch_count")}
        />
        <MetricCard label="duplicates" value={pick("jobs.duplicates_count")} />
        <MetricCard label="restarts" value={pick("restarts_count")} />
        <MetricCard label="p95 latency" value={pick("latency.p95_ms")} unit="ms" />
      </Group>
      {levels.length > 0 && <LoadLevels levels={levels} metrics={m} />}
      <ChecksTable checks={run.checks} />
      <WritePaths metrics={m} checks={run.checks} />
      <Paper withBorder p="sm">
        <Title order={5}>Latency percentiles</Title>
        <LatencyChart rows={latencyRows(m)} />
      </Paper>
      <Paper withBorder p="sm">
        <Title order={5}>Heap over time</Title>
        <HeapChart points={series.data?.heap ?? []} />
      </Paper>
      <Paper withBorder p="sm">
        <Title order={5}>Job attempts (lease windows per instance)</Title>
        <JobTimeline attempts={series.data?.attempts ?? []} />
      </Paper>
      <Paper withBorder p="sm">
        <Title order={5}>Metrics</Title>
        <Table>
          <Table.Tbody>
            {Object.entries(m)
              // a load run's levels are in their own tables above
              .filter(([k]) => !k.startsWith(LEVEL_METRIC) && k !== ZONE_BOUNDS_METRIC)
              .map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td>{k}</Table.Td>
                  <Table.Td>{String(v)}</Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
