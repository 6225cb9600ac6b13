import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { stopChild } from "../child.ts";
import { freePort } from "../freePort.ts";
import { haproxyBinary, setprivBinary } from "./binary.ts";
import { type HaproxyConfigOptions, renderConfig } from "./config.ts";
import { RuntimeApi } from "./runtimeApi.ts";

export interface HaproxyOptions
  extends Omit<HaproxyConfigOptions, "port" | "socketPath" | "pinMapPath"> {
  /** 0 picks a free port. */
  readonly port: number;
  readonly onLine: (line: string) => void;
}

export interface Haproxy {
  readonly url: string;
  readonly pid: number;
  readonly api: RuntimeApi;
  readonly configPath: string;
  readonly pinMapPath: string;
  stop(): Promise<void>;
}

const BIND_ATTEMPTS = 3;

/**
 * HAProxy as a child process (`-db`: foreground), with its config, admin socket and pin
 * map in a private temp folder. Resolves once its runtime API answers. A free port picked
 * for it may be taken before it binds: then it tries another.
 */
export const startHaproxy = async (options: HaproxyOptions): Promise<Haproxy> => {
  const bin = haproxyBinary();
  const setpriv = setprivBinary();
  if (!setpriv)
    throw new Error("setpriv (util-linux) is needed to stop HAProxy if the platform dies");
  const dir = await mkdtemp(path.join(tmpdir(), "scaleproof-haproxy-"));
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await freePort());
    try {
      return await launch(bin, setpriv, dir, port, options);
    } catch (error) {
      if (options.port || attempt >= BIND_ATTEMPTS || !/cannot bind/i.test(String(error))) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
};

const launch = async (
  bin: string,
  setpriv: string,
  dir: string,
  port: number,
  options: HaproxyOptions,
): Promise<Haproxy> => {
  const configPath = path.join(dir, "haproxy.cfg");
  const pinMapPath = path.join(dir, "pin.map");
  const socketPath = path.join(dir, "admin.sock");
  await writeFile(pinMapPath, "");
  await writeFile(configPath, renderConfig({ ...options, port, socketPath, pinMapPath }));
  const child = spawn(setpriv, ["--pdeathsig", "TERM", "--", bin, "-f", configPath, "-db"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const closed = new Promise((resolve) => child.once("close", resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.onLine(line);
    });
  }
  const api = new RuntimeApi(socketPath);
  await untilAnswers(api, child, async () => {
    await closed;
    return tail;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    api,
    configPath,
    pinMapPath,
    stop: async () => {
      await stopChild(child, 2_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** Polls the admin socket; if HAProxy exits (a bad config, a taken port), says what it printed. */
const untilAnswers = async (
  api: RuntimeApi,
  child: ChildProcess,
  output: () => Promise<readonly string[]>,
) => {
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  for (let i = 0; i < 100 && !gone(); i++) {
    try {
      await api.run("show info");
      return;
    } catch {
      await sleep(50);
    }
  }
  if (!gone()) await stopChild(child, 1_000);
  throw new Error(`HAProxy did not start:\n${(await output()).join("\n")}`);
};
