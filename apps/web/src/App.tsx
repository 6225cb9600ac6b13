import { AppShell, Button, Group, Tabs, Title } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBoundary } from "./ErrorBoundary.tsx";
import { Instances } from "./pages/Instances.tsx";
import { Login } from "./pages/Login.tsx";
import { ScaleTests } from "./pages/ScaleTests.tsx";
import { makeClient, makeQueryClient, readToken, TOKEN_KEY, TRPCProvider } from "./trpc.ts";

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
                  </Tabs.List>
                  <Tabs.Panel value="scale-tests" pt="md">
                    <ErrorBoundary>
                      <ScaleTests />
                    </ErrorBoundary>
                  </Tabs.Panel>
                  <Tabs.Panel value="instances" pt="md">
                    <ErrorBoundary>
                      <Instances />
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
