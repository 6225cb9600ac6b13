import { AppShell, Title } from "@mantine/core";

/** The System Status shell; the Scale Tests and Instances tabs arrive with the runner. */
export function App() {
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header p="sm">
        <Title order={3}>scaleproof · System Status</Title>
      </AppShell.Header>
      <AppShell.Main />
    </AppShell>
  );
}
