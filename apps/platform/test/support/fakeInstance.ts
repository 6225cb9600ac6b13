import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface FakeInstance {
  readonly id: string;
  readonly port: number;
  /** Requests it received (health checks left out), in order. */
  readonly seen: { method: string; url: string }[];
  /** Connections HAProxy opened to it for those requests. */
  readonly connections: Set<Socket>;
  close(): Promise<void>;
}

/**
 * A stand-in instance for the balancer's own tests (HAProxy is real; what sits behind it
 * only has to behave in ways a real instance cannot be made to on cue):
 *   /crash?on=ID  instance ID takes the request, then its connection dies unanswered
 *   /slow?ms=N    answers after N ms
 *   anything else answers at once, naming itself in x-instance-id
 */
export const startFakeInstance = async (id: string): Promise<FakeInstance> => {
  const seen: FakeInstance["seen"] = [];
  const connections = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    req.resume();
    if (url.pathname === "/ops/health") return res.end("ok");
    seen.push({ method: req.method ?? "", url: url.pathname });
    connections.add(req.socket);
    const answer = () => {
      res.writeHead(200, { "x-instance-id": id, "content-type": "text/plain" });
      res.end(id);
    };
    if (url.pathname === "/crash" && url.searchParams.get("on") === id)
      setTimeout(() => req.socket.destroy(), 200);
    else if (url.pathname === "/slow") setTimeout(answer, Number(url.searchParams.get("ms")));
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    id,
    port: (server.address() as AddressInfo).port,
    seen,
    connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
