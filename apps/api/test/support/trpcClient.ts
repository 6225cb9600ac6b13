import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../../src/trpc/root.ts";

/**
 * The api tests' own typed client, built like @scaleproof/client's (which the api cannot
 * depend on: the client depends on the api for the AppRouter type). Queries and
 * mutations over HTTP, the progress subscription over SSE; the token only in headers.
 */
export const createClient = (baseUrl: string, token: string | undefined) => {
  const url = new URL("/trpc", baseUrl).toString();
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          // The token travels in a header on the stream too, never in a URL.
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init.headers, ...auth } }),
          }),
        }),
        false: httpLink({
          url,
          headers: () => auth,
        }),
      }),
    ],
  });
};

export type Client = ReturnType<typeof createClient>;

export const isClientError = (e: unknown): e is TRPCClientError<AppRouter> =>
  e instanceof TRPCClientError;
