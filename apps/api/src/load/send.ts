import type { Dispatcher } from "undici";
import type { HeadersFor } from "./types.ts";
import type { LoadRequest } from "./workload.ts";

/** How one request ended, as the level counts it. */
export type Outcome =
  | { readonly kind: "answered"; readonly status: number }
  | { readonly kind: "failed"; readonly status: number }
  | { readonly kind: "shed"; readonly code: string }
  | { readonly kind: "error"; readonly reason: string };

const JSON_TYPE = { "content-type": "application/json" };

/** `{"error":{"code":"MEMORY_PRESSURE"}}` (the edge's shape) -> its code; else "none". */
const codeOf = (text: string): string => {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === "string" ? code : "none";
  } catch {
    return "none";
  }
};

const reasonOf = (error: unknown): string => {
  const e = error as { code?: unknown; name?: unknown } | null;
  return String(e?.code ?? e?.name ?? "unknown");
};

/**
 * One request over the keep-alive pool; never throws. The whole body is read (latency
 * ends at its last byte); a 503's body is parsed for its code. While every connection is
 * busy the request waits in undici's queue: that wait is part of its latency.
 */
export const send = async (
  pool: Dispatcher,
  req: LoadRequest,
  headersFor: HeadersFor | undefined,
  signal?: AbortSignal,
): Promise<Outcome> => {
  try {
    const signed = headersFor?.(req.method, req.path) ?? {};
    const res = await pool.request({
      method: req.method,
      path: req.path,
      headers: req.body === undefined ? signed : { ...signed, ...JSON_TYPE },
      body: req.body ?? null,
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode === 503) return { kind: "shed", code: codeOf(await res.body.text()) };
    await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    return res.statusCode >= 200 && res.statusCode < 300
      ? { kind: "answered", status: res.statusCode }
      : { kind: "failed", status: res.statusCode };
  } catch (error) {
    return { kind: "error", reason: reasonOf(error) };
  }
};
