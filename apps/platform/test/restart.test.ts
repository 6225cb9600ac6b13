import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlServer, startControlServer } from "../src/control.ts";
import { makeRestarter, type RestartableService } from "../src/restart.ts";
import { send } from "./support/http.ts";
import { eventually } from "./support/testCluster.ts";

/**
 * POST /services/:name/restart on a real redis-server of this file's own (never the
 * machine's shared one): it is stopped, left down, started, and the answer comes once it
 * accepts connections again; a dependency the platform was not given is refused.
 */
const run = promisify(execFile);
const TOKEN = "t".repeat(32);
let port: number;
let child: ReturnType<typeof spawn> | undefined;
let control: ControlServer;

const redisCli = async (...args: string[]) =>
  (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();
const redis: RestartableService = {
  start: async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", ""], {
      stdio: "ignore",
    });
    // RestartableService.start resolves once it is running: redis-server listens only
    // some moments after the spawn (longer on a busy machine).
    await eventually(
      () =>
        redisCli("ping").then(
          (r) => r === "PONG",
          () => false,
        ),
      `redis-server on ${port} answers PING`,
      5_000,
    );
  },
  stop: async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  },
};

beforeAll(async () => {
  port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  await redis.start();
  const restarter = makeRestarter({ redis }, { redis: `redis://127.0.0.1:${port}` });
  expect(restarter.restartable).toEqual(["redis"]);
  control = await startControlServer(
    {
      limit: async () => {},
      instances: async () => [],
      add: async () => "i1",
      stop: async () => "unknown",
      restart: (name, downMs) => restarter.restart(name, downMs),
    },
    TOKEN,
  );
});
afterAll(async () => {
  await control?.close();
  await redis.stop();
});

const restart = (name: string, body: unknown, token = TOKEN) =>
  send(`${control.url}/services/${name}/restart`, {
    method: "POST",
    headers: { [HEADERS.controlToken]: token },
    body: JSON.stringify(body),
  });

describe("POST /services/:name/restart", () => {
  it("restarts a Redis it was given: down, then up and accepting connections when it answers", async () => {
    await redisCli("set", "k", "v");
    const before = await redisCli("info", "server");
    const r = await restart("redis", { downMs: 300 });
    expect(r.status).toBe(200);
    const window = JSON.parse(r.body) as { service: string; downAt: string; upAt: string };
    expect(window.service).toBe("redis");
    expect(Date.parse(window.upAt)).toBeGreaterThan(Date.parse(window.downAt));
    // a new server process (another run id), already answering, its memory gone
    const runId = (info: string) => /run_id:(\w+)/.exec(info)?.[1];
    expect(runId(await redisCli("info", "server"))).not.toBe(runId(before));
    expect(await redisCli("get", "k")).toBe("");
  });

  it("refuses a dependency it was not told it may restart (409), an unknown one (404), a bad body (400), no token (403)", async () => {
    const pg = await restart("postgres", { downMs: 0 });
    expect(pg.status).toBe(409);
    expect(JSON.parse(pg.body).error.code).toBe("NOT_RESTARTABLE");
    expect((await restart("mysql", { downMs: 0 })).status).toBe(404);
    const bad = await restart("redis", { downMs: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.fields[0].field).toBe("downMs");
    expect((await restart("redis", { downMs: 0 }, "x".repeat(32))).status).toBe(403);
  });
});
