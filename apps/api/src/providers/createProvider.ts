import type { InstanceEnv } from "../config/env.ts";
import { createDatabentoClient } from "./databento/client.ts";
import type { BarsProvider } from "./types.ts";

/**
 * The same real Databento client serves both providers: `replay` only points it at the
 * local replay upstream (which serves recorded real bars) instead of Databento.
 */
export const createProvider = (env: InstanceEnv): BarsProvider => {
  if (!env.DATABENTO_API_KEY) {
    throw new Error(
      "DATABENTO_API_KEY is not set: set it to use Databento, or run `pnpm start`, which starts the replay upstream and sets it",
    );
  }
  return createDatabentoClient({
    apiKey: env.DATABENTO_API_KEY,
    baseUrl: env.DATABENTO_BASE_URL,
    name: env.BARS_PROVIDER,
  });
};
