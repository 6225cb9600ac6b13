import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The body parsed as application/x-www-form-urlencoded. */
  readonly form: URLSearchParams;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** Returning undefined leaves the request hanging (to test timeouts and aborts). */
export type Handler = (request: SeenRequest) => Reply | undefined;

export interface FakeUpstream {
  readonly url: string;
  readonly seen: SeenRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Reply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** Databento's answer to a missing or wrong key. */
const authFailed = json(401, {
  detail: {
    case: "auth_authentication_failed",
    message: "Authentication failed.",
    status_code: 401,
    docs: "https://databento.com/docs/portal/api-keys",
  },
});

/**
 * A real HTTP server on 127.0.0.1 speaking like Databento's historical API: it checks
 * HTTP Basic auth (key as user, empty password) itself, then answers with whatever the
 * test's handler says.
 */
export const startFakeUpstream = async (apiKey: string): Promise<FakeUpstream> => {
  const seen: SeenRequest[] = [];
  let handler: Handler = () => json(404, { detail: "Not Found" });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://upstream");
    const request: SeenRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
    };
    seen.push(request);
    const m = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    const credentials = m?.[1] ? Buffer.from(m[1], "base64").toString("utf8") : "";
    const reply = credentials === `${apiKey}:` ? handler(request) : authFailed;
    if (!reply) return;
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
