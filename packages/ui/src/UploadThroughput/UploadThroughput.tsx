import { Group, Paper, Text } from "@mantine/core";

export interface UploadFigures {
  /** The concurrent burst: every byte of the uploads that succeeded over its wall time. */
  readonly burstMbS: number | null;
  /** One upload's own rate, the median. */
  readonly perUploadMbS: number | null;
  /** The soak's uploads, over their own time. */
  readonly soakMbS: number | null;
  readonly concurrent: number | null;
  readonly sizeMb: number | null;
}

const num = (v: unknown) => (typeof v === "number" ? v : null);

/** The figures from a run's metrics (`uploads.*`, or `<part>/uploads.*` in a full run). */
export const uploadFigures = (metrics: Readonly<Record<string, unknown>>): UploadFigures | null => {
  const get = (k: string) =>
    num(Object.entries(metrics).find(([key]) => key === k || key.endsWith(`/${k}`))?.[1]);
  const f = {
    burstMbS: get("uploads.mb_s"),
    perUploadMbS: get("uploads.upload_p50_mb_s"),
    soakMbS: get("uploads.soak.mb_s"),
    concurrent: get("uploads.concurrent_count"),
    sizeMb: get("uploads.size_mb"),
  };
  return Object.values(f).every((v) => v === null) ? null : f;
};

const Figure = ({ label, value }: { readonly label: string; readonly value: number | null }) => (
  <Paper withBorder p="sm" radius="md" miw={150} data-metric={label}>
    <Text size="xs" c="dimmed">
      {label}
    </Text>
    <Text fw={700} size="lg">
      {value === null ? "—" : `${value} MB/s`}
    </Text>
  </Paper>
);

/** Upload throughput in MB/s: all at once, one upload's own, and during the soak. */
export function UploadThroughput({ figures }: { readonly figures: UploadFigures }) {
  const burst =
    figures.concurrent !== null && figures.sizeMb !== null
      ? `${figures.concurrent} × ${figures.sizeMb} MB at once`
      : "at once";
  return (
    <Group data-testid="upload-throughput">
      <Figure label={burst} value={figures.burstMbS} />
      <Figure label="one upload (median)" value={figures.perUploadMbS} />
      <Figure label="soak" value={figures.soakMbS} />
    </Group>
  );
}
