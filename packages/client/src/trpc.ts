import type { AppRouter } from "@scaleproof/api/router";
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { EventSource } from "eventsource";

export type { AppRouter };

/** The typed client: queries and mutations over HTTP, the progress subscription over SSE. */
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
