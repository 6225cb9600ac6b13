import type { AppRouter } from "@scaleproof/api/router";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The admin token lives in session storage and travels as a bearer header (no cookies,
 * so no CSRF surface); EventSource cannot set headers, so the progress subscription
 * carries it in tRPC's connection params.
 */
export const TOKEN_KEY = "scaleproof.token";
export const readToken = () => sessionStorage.getItem(TOKEN_KEY);

export const makeClient = () =>
  createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: "/trpc",
          connectionParams: () => ({ token: readToken() ?? "" }),
        }),
        false: httpLink({
          url: "/trpc",
          headers: () => {
            const token = readToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });

export const makeQueryClient = () =>
  new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
