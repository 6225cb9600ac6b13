import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ChildOptions {
  readonly entry: string;
  /** Extra Node flags (e.g. a heap limit). */
  readonly nodeArgs?: readonly string[];
  readonly env: Record<string, string>;
  /** Every line the child prints (stdout and stderr). */
  readonly onLine: (line: string) => void;
}

/**
 * Starts a TypeScript entry point as a real separate Node process (the same Node 24
 * that runs us, with tsx). The IPC channel is the child's lifeline: when this process
 * dies, even by SIGKILL, the channel closes and the child shuts itself down, so no
 * process is ever left behind.
 */
export interface Child {
  readonly process: ChildProcess;
  /** Listens to the child's printed lines until the returned function is called. */
  subscribe(listener: (line: string) => void): () => void;
}

export const spawnChild = (options: ChildOptions): Child => {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--import", "tsx", options.entry],
    {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  const listeners = new Set<(line: string) => void>([options.onLine]);
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      for (const l of listeners) l(line);
    });
  }
  return {
    process: child,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

/** Resolves with the first printed JSON object that `pick` accepts; rejects if the child exits first. */
export const waitForLine = <T>(
  { process: child, subscribe }: Child,
  pick: (json: Record<string, unknown>) => T | undefined,
  what: string,
): Promise<T> =>
  new Promise((resolve, reject) => {
    const tail: string[] = [];
    const onExit = (code: number | null, signal: string | null) => {
      off();
      reject(
        new Error(
          `${what} exited (code ${code}, signal ${signal}) before it was ready:\n${tail.join("\n")}`,
        ),
      );
    };
    const off = subscribe((line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const found = pick(json);
      if (found !== undefined) {
        off();
        child.off("exit", onExit);
        resolve(found);
      }
    });
    child.once("exit", onExit);
  });

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export const stopChild = (child: ChildProcess, graceMs = 5_000): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
