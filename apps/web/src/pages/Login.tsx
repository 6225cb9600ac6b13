import { Alert, Button, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { makeClient, TOKEN_KEY } from "../trpc.ts";

/** Admin token login: the token is checked against the API before it is kept. */
export function Login({ onLogin }: { readonly onLogin: () => void }) {
  const [token, setToken] = useState(
    new URLSearchParams(location.hash.slice(1)).get("token") ?? "",
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    sessionStorage.setItem(TOKEN_KEY, token.trim());
    try {
      await makeClient().scaleTest.list.query({ limit: 1 });
      history.replaceState(null, "", location.pathname);
      onLogin();
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper maw={420} mx="auto" mt="xl" p="lg" withBorder>
      <Stack>
        <Title order={3}>scaleproof</Title>
        <Text size="sm">Sign in with the admin token `pnpm start` printed.</Text>
        <PasswordInput
          label="Admin token"
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          data-testid="token"
        />
        {error && (
          <Alert color="red" data-testid="login-error">
            {error}
          </Alert>
        )}
        <Button onClick={submit} loading={busy} disabled={!token.trim()} data-testid="login">
          Sign in
        </Button>
      </Stack>
    </Paper>
  );
}
