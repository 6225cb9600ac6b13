import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { type Logger, pino } from "pino";
import { mountAdmin } from "./adminRoutes.ts";
import { DEFAULT_DATA_DIR, loadReplayData } from "./dataDir.ts";
import type { ReplayAppOptions, ReplayDeps } from "./deps.ts";
import { stringError } from "./errors.ts";
import { Knobs } from "./knobs.ts";
import { RequestLog } from "./requestLog.ts";
import { mountUpstream } from "./upstreamRoutes.ts";

export type { ReplayAppOptions, ReplayDeps } from "./deps.ts";

export interface ReplayApp {
  readonly app: Hono;
  readonly deps: ReplayDeps;
  /** Wakes every request still waiting on added latency. */
  abort(): void;
}

export const createReplayApp = (options: ReplayAppOptions): ReplayApp => {
  if (!options.apiKey)
    throw new Error("the replay upstream needs an API key (REPLAY_API_KEY), like the real API");
  const closing = new AbortController();
  const deps: ReplayDeps = {
    data: options.data,
    apiKey: options.apiKey,
    log: new RequestLog(options.logCapacity),
    knobs: new Knobs(options.latencyMs ?? 0),
    logger: options.logger ?? pino({ name: "replay", level: "silent" }),
    closing: closing.signal,
  };
  const app = new Hono();
  mountUpstream(app, deps);
  mountAdmin(app, deps);
  app.notFound((c) => c.json(stringError(404, "Not Found").body, 404));
  app.onError((error, c) => {
    deps.logger.error({ err: error, path: c.req.path }, "replay upstream error");
    return c.json(stringError(500, "Internal Server Error").body, 500);
  });
  return { app, deps, abort: () => closing.abort() };
};

export interface StartReplayOptions {
  readonly port: number;
  readonly host?: string;
  /** Defaults to `<repo>/../shared/data/bars` (`DEFAULT_DATA_DIR`). */
  readonly dataDir?: string | undefined;
  readonly apiKey: string;
  readonly latencyMs?: number;
  readonly logCapacity?: number;
  readonly logger?: Logger;
}

export interface RunningReplay {
  readonly url: string;
  readonly deps: ReplayDeps;
  close(): Promise<void>;
}

/** Loads the recorded bars (refusing to start without any) and listens. */
export const startReplayServer = async (options: StartReplayOptions): Promise<RunningReplay> => {
  const data = await loadReplayData(options.dataDir ?? DEFAULT_DATA_DIR);
  const replay = createReplayApp({
    data,
    apiKey: options.apiKey,
    latencyMs: options.latencyMs ?? 0,
    ...(options.logCapacity ? { logCapacity: options.logCapacity } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: replay.app.fetch, port: options.port, hostname: host }, () =>
      resolve(s as Server),
    );
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    deps: replay.deps,
    close: () =>
      new Promise<void>((resolve) => {
        replay.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
