import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { LevelResult } from "../../src/load/types.ts";
import type { LoadRequest, Workload } from "../../src/load/workload.ts";

export interface TrivialServer {
  readonly url: string;
  /** Requests received so far. */
  count(): number;
  close(): Promise<void>;
}

/**
 * A trivial node:http server on 127.0.0.1: `handle` gets the request's number (0, 1, ...,
 * in arrival order at the server) and answers, late, or never (closed at `close`).
 */
export const startServer = async (
  handle: (n: number, req: IncomingMessage, res: ServerResponse) => void,
): Promise<TrivialServer> => {
  let n = 0;
  const server = createServer((req, res) => {
    const i = n++;
    req.resume();
    req.on("end", () => handle(i, req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export const ok = (res: ServerResponse, status = 200, body = '{"ok":true}') => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
};

/** Every arrival asks the same path. */
export const fixed = (path = "/x"): Workload => {
  const req: LoadRequest = { kind: "barsCached", method: "GET", path };
  return { cachedPaths: [path], next: () => req };
};

/** The accounting identities every level must keep. */
export const expectBalanced = (r: LevelResult) => {
  const c = r.counts;
  expect(c.scheduled).toBe(c.sent + c.dropped);
  expect(c.sent).toBe(c.answered + c.failed + c.shed + c.timedOut + c.inFlight);
  expect(r.latencyMs.count).toBe(c.answered + c.timedOut + c.inFlight);
};
