import { execFile, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Real Redis and Postgres servers of a test's own, on spare loopback ports, so a test
 * can stop and restart "the" Redis or Postgres without touching the shared ones other
 * test files use. Each is stopped (and its files removed) by `close()`.
 */
const run = promisify(execFile);

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const until = async (probe: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up`);
};

export interface PrivateServer {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const startPrivateRedis = async (): Promise<PrivateServer> => {
  const port = await freePort();
  let child: ReturnType<typeof spawn> | undefined;
  const ping = async () =>
    (await run("redis-cli", ["-p", String(port), "ping"])).stdout.includes("PONG");
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    await until(ping, `redis on ${port}`);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, close: stop };
};

const PG_BIN = "/usr/lib/postgresql/15/bin";

/** A throwaway Postgres cluster (initdb as the postgres user, trust auth, loopback only). */
export const startPrivatePostgres = async (): Promise<PrivateServer> => {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "sp-pg-"));
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const asPostgres = (bin: string, args: string[]) =>
    run("runuser", ["-u", "postgres", "--", path.join(PG_BIN, bin), ...args]);
  await asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const start = async () => {
    await asPostgres("pg_ctl", [
      "-D",
      data,
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "-l",
      path.join(dir, "log"),
      "-w",
      "start",
    ]);
  };
  const stop = async () => {
    await asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
