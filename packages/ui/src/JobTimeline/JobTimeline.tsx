import { Box, Group, Text, Tooltip } from "@mantine/core";

/** One attempt's window, as core's `attemptWindows` defines it (the jobs checker's own windows). */
export interface Attempt {
  readonly jobId: string;
  readonly attempt: number;
  readonly instanceId: string;
  readonly start: number;
  readonly end: number | null;
  readonly outcome: string;
}

const COLOR: Record<string, string> = {
  finish: "var(--mantine-color-green-6)",
  completion_rejected: "var(--mantine-color-orange-6)",
  lease_lost: "var(--mantine-color-orange-6)",
  failed: "var(--mantine-color-red-6)",
};

/**
 * Each job's attempts as bars on one time axis, labelled by instance: the visual proof
 * that no two attempts of a job overlap. An attempt's bar ends where its hold on the job
 * did: its accepted finish, else the lease expiry the next attempt took over (a died
 * attempt, or a zombie whose late completion was fenced off).
 */
export function JobTimeline({ attempts }: { readonly attempts: readonly Attempt[] }) {
  if (attempts.length === 0) return <Text c="dimmed">No jobs in this run.</Text>;
  const t0 = Math.min(...attempts.map((a) => a.start));
  const t1 = Math.max(...attempts.map((a) => a.end ?? a.start));
  const span = Math.max(1, t1 - t0);
  const jobs = [...new Set(attempts.map((a) => a.jobId))];
  return (
    <Box data-testid="job-timeline">
      {jobs.map((job) => (
        <Group key={job} gap={6} wrap="nowrap" h={18}>
          <Text size="xs" w={60} ta="right">
            job {job}
          </Text>
          <Box
            pos="relative"
            h={14}
            style={{ flex: 1, background: "var(--mantine-color-default-hover)" }}
          >
            {attempts
              .filter((a) => a.jobId === job)
              .map((a) => (
                <Tooltip
                  key={a.attempt}
                  label={`attempt ${a.attempt} on ${a.instanceId}: ${a.outcome}, ${((a.end ?? a.start) - a.start).toFixed(0)} ms`}
                >
                  <Box
                    pos="absolute"
                    top={0}
                    h={14}
                    data-attempt={a.attempt}
                    style={{
                      left: `${((a.start - t0) / span) * 100}%`,
                      width: `max(2px, ${(((a.end ?? a.start) - a.start) / span) * 100}%)`,
                      background: COLOR[a.outcome] ?? "var(--mantine-color-gray-6)",
                      borderRadius: 2,
                      fontSize: 9,
                      color: "white",
                      overflow: "hidden",
                    }}
                  >
                    {a.instanceId}
                  </Box>
                </Tooltip>
              ))}
          </Box>
        </Group>
      ))}
      <Text size="xs" c="dimmed" mt={4}>
        {(span / 1000).toFixed(1)} s; green: accepted finish, orange: fenced off, gray: died (both
        end at the lease expiry the retry took over)
      </Text>
    </Box>
  );
}
