import { Paper, Stack, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { IngestLevelsChart, ingestLevelRows } from "../IngestLevelsChart/IngestLevelsChart.tsx";
import { QueueDepthChart } from "../QueueDepthChart/QueueDepthChart.tsx";
import { RssChart } from "../RssChart/RssChart.tsx";
import { UploadThroughput, uploadFigures } from "../UploadThroughput/UploadThroughput.tsx";

type Metrics = Readonly<Record<string, unknown>>;

/** A metric by name, also inside a full run (`<part>/<name>`). */
const pick = (metrics: Metrics, key: string): unknown =>
  Object.entries(metrics).find(([k]) => k === key || k.endsWith(`/${key}`))?.[1];

/** Each instance's peak rss during the uploads, from `uploads.<instance>.rss_peak_mb`. */
export const rssPeaks = (metrics: Metrics): Record<string, number> =>
  Object.fromEntries(
    Object.entries(metrics).flatMap(([k, v]) => {
      const m = /(?:^|\/)uploads\.([^./]+)\.rss_peak_mb$/.exec(k);
      return m?.[1] && typeof v === "number" ? [[m[1], v]] : [];
    }),
  );

const Section = ({ title, children }: { readonly title: string; readonly children: ReactNode }) => (
  <Paper withBorder p="sm">
    <Title order={5}>{title}</Title>
    {children}
  </Paper>
);

/**
 * The write profiles' figures (ingest, uploads), drawn from a run's metrics; nothing for
 * a run that has none of them.
 */
export function WritePaths({
  metrics,
  checks,
}: {
  readonly metrics: Metrics;
  readonly checks: readonly { readonly name: string; readonly expected: string }[];
}) {
  const levels = ingestLevelRows(metrics);
  const uploads = uploadFigures(metrics);
  if (levels.length === 0 && uploads === null) return null;
  const budget = checks.find((c) => c.name.endsWith("uploads.rss_peak_total_mb"))?.expected ?? "";
  return (
    <Stack data-testid="write-paths">
      {levels.length > 0 && (
        <>
          <Section title="Ingest throughput per level">
            <IngestLevelsChart rows={levels} />
          </Section>
          <Section title="Ingest buffer depth over time">
            <QueueDepthChart
              encoded={pick(metrics, "ingest.buffer_rows_over_time")}
              of="ingest-buffer"
            />
          </Section>
        </>
      )}
      {uploads !== null && (
        <>
          <Section title="Upload throughput">
            <UploadThroughput figures={uploads} />
          </Section>
          <Section title="rss per instance">
            <RssChart
              encoded={pick(metrics, "uploads.rss_mb_over_time")}
              peaks={rssPeaks(metrics)}
              budget={`budget: ${budget}`}
            />
          </Section>
          <Section title="Processing queue depth over time">
            <QueueDepthChart encoded={pick(metrics, "uploads.queue_pending_over_time")} of="jobs" />
          </Section>
        </>
      )}
    </Stack>
  );
}
