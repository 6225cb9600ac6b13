import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../trpc/root.ts";

/** The typed client: queries and mutations over HTTP, the progress subscription over SSE. */
export const createClient = (baseUrl: string, token: string | undefined) => {
  const url = new URL("/trpc", baseUrl).toString();
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          connectionParams: token ? { token } : {},
        }),
        false: httpLink({
          url,
          headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
};

export type Client = ReturnType<typeof createClient>;

export const isClientError = (e: unknown): e is TRPCClientError<AppRouter> =>
  e instanceof TRPCClientError;
