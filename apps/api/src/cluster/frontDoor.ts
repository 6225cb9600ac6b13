import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createProxyServer } from "http-proxy-3";
import type { Supervisor } from "./supervisor.ts";

/** Local-cluster only: asks the front door to send this request to one instance. */
export const ROUTE_TO_HEADER = "x-route-to";

/**
 * The local stand-in for the platform's load balancer: round-robin over live instances.
 * A request that cannot reach an instance (it just died) is retried on the next one when
 * it is safe to (GET/HEAD, nothing sent yet); otherwise it gets a 502, as from a real LB.
 */
export class FrontDoor {
  readonly #proxy = createProxyServer({ xfwd: true, proxyTimeout: 120_000 });
  #next = 0;
  #server: Server | undefined;
  /** At most this many instances get traffic (the scaling check's "1 instance"); null: all. */
  #limit: number | null = null;

  /** `controlToken` guards /_frontdoor/limit: only the cluster's own instances know it. */
  constructor(
    private readonly supervisor: Supervisor,
    private readonly controlToken?: string,
  ) {}

  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    const server = createServer((req, res) => this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  #handle(req: IncomingMessage, res: ServerResponse, attempt = 0): void {
    if (req.url === "/_frontdoor/instances") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ instances: this.supervisor.view() }));
      return;
    }
    if (req.url === "/_frontdoor/limit" && req.method === "POST") {
      this.#control(req, res);
      return;
    }
    const all = this.supervisor.live();
    const live = this.#limit === null ? all : all.slice(0, this.#limit);
    const wanted = req.headers[ROUTE_TO_HEADER];
    const pool = typeof wanted === "string" ? live.filter((i) => i.instanceId === wanted) : live;
    const target = pool[this.#next++ % Math.max(1, pool.length)];
    if (!target) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(
        JSON.stringify({
          error: { code: "NO_LIVE_INSTANCE", message: "no live instance to route to" },
        }),
      );
      return;
    }
    this.#proxy.web(req, res, { target: `http://127.0.0.1:${target.port}` }, (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ECONNREFUSED" || code === "ECONNRESET")
        this.supervisor.markDown(target.instanceId);
      const retryable = (req.method === "GET" || req.method === "HEAD") && code === "ECONNREFUSED";
      if (retryable && !res.headersSent && attempt < 3) return this.#handle(req, res, attempt + 1);
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: {
              code: "BAD_GATEWAY",
              message: `instance ${target.instanceId}: ${code ?? String(error)}`,
            },
          }),
        );
      } else {
        res.destroy();
      }
    });
  }

  /** `POST /_frontdoor/limit {"instances": n | null}` with `x-control-token`. */
  #control(req: IncomingMessage, res: ServerResponse): void {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!this.controlToken || req.headers["x-control-token"] !== this.controlToken) {
      answer(403, {
        error: { code: "FORBIDDEN", message: "cluster control needs the cluster's token" },
      });
      return;
    }
    let raw = "";
    req.on("data", (d) => {
      raw += d;
    });
    req.on("end", () => {
      try {
        const { instances } = JSON.parse(raw) as { instances?: unknown };
        if (instances !== null && !(Number.isInteger(instances) && (instances as number) >= 1)) {
          throw new Error("instances must be a whole number >= 1, or null for all");
        }
        this.#limit = instances as number | null;
        answer(200, { limit: this.#limit });
      } catch (error) {
        answer(400, {
          error: {
            code: "BAD_REQUEST",
            message: error instanceof Error ? error.message : String(error),
          },
        });
      }
    });
  }

  async close(): Promise<void> {
    this.#proxy.close();
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
