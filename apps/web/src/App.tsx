import { AppShell, Button, Center, Group, Loader, Tabs, Title } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { ErrorBoundary } from "./ErrorBoundary.tsx";
import { Login } from "./pages/Login.tsx";
import { makeClient, makeQueryClient, readToken, TOKEN_KEY, TRPCProvider } from "./trpc.ts";

// Each tab's page (and the charts it draws) loads when the tab first opens.
const ScaleTests = lazy(() =>
  import("./pages/ScaleTests.tsx").then((m) => ({ default: m.ScaleTests })),
);
const Instances = lazy(() =>
  import("./pages/Instances.tsx").then((m) => ({ default: m.Instances })),
);
const Calibration = lazy(() =>
  import("./pages/Calibration.tsx").then((m) => ({ default: m.Calibration })),
);
const loading = (
  <Center p="xl">
    <Loader aria-label="loading" />
  </Center>
);

/** System Status: Scale Tests and Instances, behind the admin token. */
export function App() {
  const [signedIn, setSignedIn] = useState(() => readToken() !== null);
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(makeClient);
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header p="sm">
        <Group justify="space-between">
          <Title order={3}>scaleproof · System Status</Title>
          {signedIn && (
            <Button
              variant="subtle"
              onClick={() => {
                sessionStorage.removeItem(TOKEN_KEY);
                queryClient.clear();
                setSignedIn(false);
              }}
            >
              Sign out
            </Button>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <ErrorBoundary>
          {!signedIn ? (
            <Login onLogin={() => setSignedIn(true)} />
          ) : (
            <QueryClientProvider client={queryClient}>
              <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
                <Tabs defaultValue="scale-tests" keepMounted={false}>
                  <Tabs.List>
                    <Tabs.Tab value="scale-tests">Scale Tests</Tabs.Tab>
                    <Tabs.Tab value="instances">Instances</Tabs.Tab>
                    <Tabs.Tab value="calibration">Calibration</Tabs.Tab>
                  </Tabs.List>
                  <Tabs.Panel value="scale-tests" pt="md">
                    <ErrorBoundary>
                      <Suspense fallback={loading}>
                        <ScaleTests />
                      </Suspense>
                    </ErrorBoundary>
                  </Tabs.Panel>
                  <Tabs.Panel value="calibration" pt="md">
                    <ErrorBoundary>
                      <Suspense fallback={loading}>
                        <Calibration />
                      </Suspense>
                    </ErrorBoundary>
                  </Tabs.Panel>
                  <Tabs.Panel value="instances" pt="md">
                    <ErrorBoundary>
                      <Suspense fallback={loading}>
                        <Instances />
                      </Suspense>
                    </ErrorBoundary>
                  </Tabs.Panel>
                </Tabs>
              </TRPCProvider>
            </QueryClientProvider>
          )}
        </ErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
