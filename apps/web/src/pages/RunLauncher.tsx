import { Alert, Button, Group, NumberInput, Paper, Select, Switch, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc.ts";

const PROFILES = ["cache", "jobs", "memory", "full"] as const;

/** Starts a run with the seed's parameters; the API validates (bad input comes back with its fields). */
export function RunLauncher({ onStarted }: { readonly onStarted: (runId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [profile, setProfile] = useState<(typeof PROFILES)[number]>("cache");
  const [quick, setQuick] = useState(true);
  const [durationMin, setDuration] = useState<number | string>("");
  const [symbol, setSymbol] = useState("ES");
  const [tf, setTf] = useState<"1m" | "5m">("1m");
  const [concurrency, setConcurrency] = useState<number | string>(10);
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const run = useMutation(
    trpc.scaleTest.run.mutationOptions({
      onSuccess: (r) => {
        void queryClient.invalidateQueries({ queryKey: trpc.scaleTest.pathKey() });
        onStarted(r.id);
      },
    }),
  );
  const fields = (run.error?.data as { fields?: { field: string; message: string }[] } | undefined)
    ?.fields;
  return (
    <Paper withBorder p="md" data-testid="launcher">
      <Group align="end" wrap="wrap">
        <Select
          label="Profile"
          data={[...PROFILES]}
          value={profile}
          onChange={(v) => v && setProfile(v as (typeof PROFILES)[number])}
          allowDeselect={false}
          w={120}
          data-testid="profile"
        />
        <Switch
          label="Quick"
          checked={quick}
          onChange={(e) => setQuick(e.currentTarget.checked)}
          mb={8}
        />
        <NumberInput
          label="Duration (min)"
          value={durationMin}
          onChange={setDuration}
          w={130}
          min={1}
          disabled={quick}
        />
        <TextInput
          label="Symbol"
          value={symbol}
          onChange={(e) => setSymbol(e.currentTarget.value)}
          w={90}
        />
        <Select
          label="Timeframe"
          data={["1m", "5m"]}
          value={tf}
          onChange={(v) => v && setTf(v as "1m" | "5m")}
          w={90}
        />
        <NumberInput
          label="Concurrency"
          value={concurrency}
          onChange={setConcurrency}
          w={110}
          min={2}
          max={200}
        />
        <TextInput
          label="Range start (ISO, optional)"
          value={start}
          onChange={(e) => setStart(e.currentTarget.value)}
          w={210}
        />
        <TextInput
          label="Range end"
          value={end}
          onChange={(e) => setEnd(e.currentTarget.value)}
          w={210}
        />
        <Button
          loading={run.isPending}
          data-testid="launch"
          onClick={() =>
            run.mutate({
              profile,
              quick,
              symbol,
              tf,
              ...(typeof concurrency === "number" ? { concurrency } : {}),
              ...(!quick && typeof durationMin === "number" ? { durationMin } : {}),
              ...(start || end ? { ranges: [{ start, end }] } : {}),
            })
          }
        >
          Run
        </Button>
      </Group>
      {run.error && (
        <Alert color="red" mt="sm" data-testid="launch-error">
          {run.error.message}
          {fields?.map((f) => (
            <div key={f.field}>
              {f.field}: {f.message}
            </div>
          ))}
        </Alert>
      )}
    </Paper>
  );
}
