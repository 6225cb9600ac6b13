import { ADMIN_TOKEN } from "../support/ops.ts";

export interface Sent {
  readonly status: number;
  readonly body: unknown;
  readonly instanceId: string | null;
  readonly retryAfter: string | null;
}

/** One request with a JSON (or raw) body; the answer parsed when it is JSON. */
export const send = async (
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Sent> => {
  const raw = body instanceof Uint8Array || typeof body === "string";
  const res = await fetch(url, {
    method,
    headers:
      body === undefined || raw ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined
      ? {}
      : { body: raw ? (body as string | Uint8Array<ArrayBuffer>) : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return {
    status: res.status,
    body: parsed,
    instanceId: res.headers.get("x-instance-id"),
    retryAfter: res.headers.get("retry-after"),
  };
};

export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The `error` of a REST error answer. */
export const errorOf = (s: Sent) =>
  (s.body as { error: { code: string; message: string } & Record<string, unknown> }).error;
