import { execSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether host:port accepts a TCP connection within a second. */
export const reachable = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 1_000 });
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });

const isLocal = (host: string) => ["127.0.0.1", "localhost", "::1", "[::1]"].includes(host);

interface Service {
  readonly name: string;
  readonly url: string;
  readonly defaultPort: number;
  /** How to start it on this kind of machine (Debian packages), or undefined if not installed. */
  readonly startCommand: () => string | undefined;
  readonly install: string;
}

const SERVICES = (databaseUrl: string, redisUrl: string): Service[] => [
  {
    name: "PostgreSQL",
    url: databaseUrl,
    defaultPort: 5432,
    startCommand: () => {
      if (!existsSync("/etc/postgresql")) return undefined;
      const version = readdirSync("/etc/postgresql")[0];
      return version ? `pg_ctlcluster --skip-systemctl-redirect ${version} main start` : undefined;
    },
    install: "apt-get install postgresql (trust auth for 127.0.0.1), or set DATABASE_URL",
  },
  {
    name: "Redis",
    url: redisUrl,
    defaultPort: 6379,
    startCommand: () =>
      existsSync("/usr/bin/redis-server")
        ? 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log'
        : undefined,
    install: "apt-get install redis-server, or set REDIS_URL",
  },
];

/**
 * Makes sure Postgres and Redis answer. A local one that is down is started when its
 * server is installed here; otherwise the error says exactly what to install or set.
 */
export const ensureServices = async (
  databaseUrl: string,
  redisUrl: string,
  say: (line: string) => void,
): Promise<void> => {
  for (const s of SERVICES(databaseUrl, redisUrl)) {
    const u = new URL(s.url);
    const port = Number(u.port || s.defaultPort);
    if (await reachable(u.hostname, port)) continue;
    const command = isLocal(u.hostname) ? s.startCommand() : undefined;
    if (!command)
      throw new Error(`${s.name} is not reachable at ${u.hostname}:${port}: ${s.install}`);
    say(`${s.name} is down; starting it: ${command}`);
    execSync(command, { stdio: "inherit" });
    for (let i = 0; i < 50 && !(await reachable(u.hostname, port)); i++) await sleep(200);
    if (!(await reachable(u.hostname, port)))
      throw new Error(`${s.name} did not come up after: ${command}`);
  }
};
