import { ProviderUnavailable } from "@scaleproof/core/bars/errors";

/**
 * A successful answer whose body we cannot decode. It is the provider's fault, not the
 * caller's (their request was accepted), so it is ProviderUnavailable, like a 5xx.
 */
export const undecodable = (detail: string, status = 200): ProviderUnavailable =>
  new ProviderUnavailable({ status, message: `undecodable response: ${detail}` });
