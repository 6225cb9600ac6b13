import { Counter, type Registry } from "prom-client";
import type { BarsProvider } from "../providers/types.ts";

export interface ProviderMetrics {
  readonly fetches: Counter;
  readonly errors: Counter<"kind">;
}

/** The typed provider errors (`@scaleproof/core/bars/errors`) as label values. */
const KINDS: Record<string, string> = {
  ProviderUnauthorized: "unauthorized",
  ProviderBadRequest: "bad_request",
  ProviderRateLimited: "rate_limited",
  ProviderUnavailable: "unavailable",
};

export const providerMetrics = (registry: Registry): ProviderMetrics => {
  const errors = new Counter({
    name: "scaleproof_provider_errors_total",
    help: "Failed bars fetches from the provider by kind (unauthorized, bad_request, rate_limited, unavailable; other: aborted or untyped)",
    labelNames: ["kind"],
    registers: [registry],
  });
  for (const kind of [...Object.values(KINDS), "other"]) errors.inc({ kind }, 0);
  return {
    fetches: new Counter({
      name: "scaleproof_provider_fetches_total",
      help: "Bars fetches sent to the provider (getRange calls; what the upstream itself counts)",
      registers: [registry],
    }),
    errors,
  };
};

const kindOf = (error: unknown): string => {
  const tag = (error as { _tag?: unknown } | null)?._tag;
  return (typeof tag === "string" && KINDS[tag]) || "other";
};

/** The provider with every bars fetch counted (the dataset-range look-ups are not fetches). */
export const countFetches = (provider: BarsProvider, m: ProviderMetrics): BarsProvider => ({
  name: provider.name,
  getDatasetRange: (dataset) => provider.getDatasetRange(dataset),
  getRange: async (request, signal) => {
    m.fetches.inc();
    try {
      return await provider.getRange(request, signal);
    } catch (error) {
      m.errors.inc({ kind: kindOf(error) });
      throw error;
    }
  },
});
