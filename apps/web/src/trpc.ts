import type { AppRouter } from "@scaleproof/api/router";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { EventSource } from "eventsource";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The admin token lives in session storage and travels as a bearer header (no cookies,
 * so no CSRF surface), on the progress stream too: the `eventsource` package's
 * EventSource runs over fetch, which can send headers (the browser's cannot), so the
 * token never sits in a URL.
 */
export const TOKEN_KEY = "scaleproof.token";
export const readToken = () => sessionStorage.getItem(TOKEN_KEY);

const bearer = (): Record<string, string> => {
  const token = readToken();
  return token ? { authorization: `Bearer ${token}` } : {};
};

export const makeClient = () =>
  createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: "/trpc",
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init.headers, ...bearer() } }),
          }),
        }),
        false: httpLink({
          url: "/trpc",
          headers: bearer,
        }),
      }),
    ],
  });

export const makeQueryClient = () =>
  new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
