import type { WriteReply } from "@scaleproof/core/scale-test/services/writeReply";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { evidenceSigner, requestLineOf } from "../runs/evidenceSignature.ts";

/**
 * HTTP for the write profiles' layers: requests signed as the run's evidence (the run key
 * derived once), admin reads pinned to one instance, and answers read into a WriteReply.
 */
export interface WriteHttp {
  readonly url: string;
  /** Headers that make a request to `path` evidence of the run. */
  readonly evidence: (method: string, path: string) => Record<string, string>;
  /** Headers for an admin read pinned to one instance through the balancer. */
  readonly pinnedAdmin: (instanceId: string) => Record<string, string>;
}

export const writeHttp = (
  url: string,
  runId: string,
  adminToken: string | undefined,
): WriteHttp => {
  const sign = adminToken ? evidenceSigner(adminToken, runId) : undefined;
  return {
    url,
    evidence: (method, path) =>
      sign ? sign(requestLineOf(method, new URL(path, url))) : { [HEADERS.run]: runId },
    pinnedAdmin: (instanceId) => ({
      ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
      [HEADERS.routeTo]: instanceId,
    }),
  };
};

const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** A fetch Response read into a WriteReply (its body parsed when it is JSON). */
export const replyOf = async (res: Response): Promise<WriteReply> => {
  const json = jsonOf(await res.text());
  const retryAfter = res.headers.get("retry-after");
  return {
    status: res.status,
    instanceId: res.headers.get(HEADERS.instanceId),
    bootId: res.headers.get(HEADERS.bootId),
    errorCode: res.ok
      ? null
      : ((json as { error?: { code?: string } } | null)?.error?.code ?? null),
    retryAfterSec: retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null,
    json,
  };
};

export const describeError = (error: unknown): string =>
  error instanceof Error
    ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}`
    : String(error);
