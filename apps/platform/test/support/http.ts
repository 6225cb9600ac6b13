import { Agent, request } from "node:http";
import type { Socket } from "node:net";

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** The client socket it travelled on (to tell keep-alive from a new connection each time). */
  readonly socket: Socket;
}

export interface Send {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly agent?: Agent;
}

/** One HTTP request with node:http, so the test controls (and can see) the connection. */
export const send = (url: string, options: Send = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: {
          ...options.headers,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        agent: options.agent ?? new Agent({ keepAlive: false }),
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            socket: req.socket as Socket,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });

/** A keep-alive client with one connection: every request it sends reuses it if it can. */
export const oneConnection = () => new Agent({ keepAlive: true, maxSockets: 1 });

export const tally = (values: readonly (string | undefined)[]) => {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
};
