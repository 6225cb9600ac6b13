import { Alert, Code, Loader, Stack, Text } from "@mantine/core";
import { CalibrationMatrix } from "@scaleproof/ui/CalibrationMatrix";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";

/** The latest calibration: can this deployment's YES be trusted? */
export function Calibration() {
  const trpc = useTRPC();
  const q = useQuery(trpc.calibration.latest.queryOptions());
  if (q.isPending) return <Loader aria-label="loading" />;
  if (q.isError) return <Alert color="red">{q.error.message}</Alert>;
  if (!q.data) {
    return (
      <Alert color="gray" title="No calibration yet" data-testid="calibration-empty">
        Run <Code>pnpm scaleproof calibrate --quick</Code> against this deployment (it needs
        FAULTS_ENABLED): every profile runs against the defects it exists to catch, plus healthy
        controls.
      </Alert>
    );
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Recorded {new Date(q.data.recordedAt).toLocaleString()} (
        {q.data.quick ? "quick" : "seed-length"} runs)
      </Text>
      <CalibrationMatrix rows={q.data.matrix.rows} trustworthy={q.data.trustworthy} />
    </Stack>
  );
}
