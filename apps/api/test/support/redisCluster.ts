import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./privateServers.ts";

const run = promisify(execFile);

export interface PrivateRedisCluster {
  /** The masters' ports, in start order. */
  readonly ports: readonly number[];
  /** REDIS_CLUSTER_NODES for these masters (`127.0.0.1:P1,127.0.0.1:P2,...`). */
  readonly nodes: string;
  /** Which master serves a key (its port), as the cluster itself says. */
  portOfKey(key: string): Promise<number>;
  /** The keys each master holds that match `pattern` (port -> keys). */
  keysByPort(pattern: string): Promise<Map<number, string[]>>;
  /** Kills one master (SIGKILL): its slots are down until the cluster is closed. */
  kill(port: number): Promise<void>;
  close(): Promise<void>;
}

const cli = async (port: number, ...args: string[]) =>
  (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();

/**
 * A real Redis Cluster of a test's own: `masters` redis-server processes in cluster mode
 * on spare loopback ports (client and bus ports both picked free), each in a temp dir,
 * joined by `redis-cli --cluster create` with no replicas; ready once every node says
 * cluster_state:ok. `close()` kills them and removes their dirs; a failed start does too.
 */
export const startPrivateRedisCluster = async (masters = 3): Promise<PrivateRedisCluster> => {
  const children: ReturnType<typeof spawn>[] = [];
  const dirs: string[] = [];
  const ports: number[] = [];
  const kill = (c: ReturnType<typeof spawn> | undefined) =>
    new Promise<void>((resolve) => {
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  const close = async () => {
    await Promise.all(children.map(kill));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const busPort = await freePort();
      const dir = mkdtempSync(path.join(tmpdir(), "sp-redis-cluster-"));
      dirs.push(dir);
      ports.push(port);
      children.push(
        spawn(
          "redis-server",
          [
            ...["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes"],
            ...["--cluster-port", String(busPort), "--cluster-config-file", "nodes.conf"],
            ...["--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"],
          ],
          { stdio: "ignore" },
        ),
      );
    }
    for (const p of ports) await until(async () => (await cli(p, "ping")) === "PONG", `${p}`);
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const p of ports) {
      await until(
        async () => (await cli(p, "cluster", "info")).includes("cluster_state:ok"),
        `${p}`,
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  const portOfKey = async (key: string) => {
    const first = ports[0] ?? 0;
    const slot = Number(await cli(first, "cluster", "keyslot", key));
    // `cluster nodes` lines: id host:port@bus flags master ping pong epoch link slot-ranges...
    for (const line of (await cli(first, "cluster", "nodes")).split("\n")) {
      const [, addr, flags, , , , , , ...ranges] = line.split(" ");
      const owns = ranges.some((r) => {
        const [lo = -1, hi = lo] = r.split("-").map(Number);
        return slot >= lo && slot <= hi;
      });
      if (flags?.includes("master") && owns) return Number(addr?.split("@")[0]?.split(":")[1]);
    }
    throw new Error(`no master owns slot ${slot} (${key})`);
  };
  return {
    ports,
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(","),
    portOfKey,
    keysByPort: async (pattern) => {
      const out = new Map<number, string[]>();
      for (const p of ports) {
        const keys = await cli(p, "--scan", "--pattern", pattern);
        out.set(p, keys === "" ? [] : keys.split("\n"));
      }
      return out;
    },
    kill: (port) => kill(children[ports.indexOf(port)]),
    close,
  };
};

const until = async (probe: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis cluster node ${what} did not come up`);
};
