import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

/**
 * Where the children keep V8's compiled code between starts (Node's module compile
 * cache, NODE_COMPILE_CACHE; entries are checked against the source, so a stale one is
 * recompiled). An instance restarted after a crash, the replay upstream and the CLI then
 * skip most of compiling the same modules again: the scale-test steps that wait for a
 * crashed instance to come back wait less. A NODE_COMPILE_CACHE set by the caller wins.
 */
export const COMPILE_CACHE_DIR = path.join(tmpdir(), "scaleproof-compile-cache");

export interface ChildOptions {
  readonly entry: string;
  /** Extra Node flags (e.g. a heap limit). */
  readonly nodeArgs?: readonly string[];
  readonly env: Record<string, string>;
  /**
   * Environment defaults an operator's own environment overrides (`env` overrides
   * both): tuning such as `MALLOC_ARENA_MAX` that the operator may know better.
   */
  readonly envDefaults?: Record<string, string>;
  /** Every line the child prints (stdout and stderr). */
  readonly onLine: (line: string) => void;
}

/**
 * A TypeScript entry point as a real separate Node process (the same Node 24 that runs
 * us, on Node's own type stripping, so no transpiler is loaded: every module the apps
 * and packages load is erasable TypeScript, which `erasableSyntaxOnly` in
 * tsconfig.base.json checks). The IPC channel carries its readiness and is its
 * lifeline: when this process dies, even by SIGKILL, the channel closes and the child
 * shuts itself down.
 */
export interface Child {
  readonly process: ChildProcess;
  /** Listens to the child's printed lines until the returned function is called. */
  subscribe(listener: (line: string) => void): () => void;
  /** The last lines it printed (for an error that says why it died). */
  tail(): readonly string[];
}

const TAIL_LINES = 20;

/**
 * A child that exited before it was ready. `reason` is what it said last in words: the
 * `msg` of its last error-level JSON log line, else its last printed line; `message`
 * adds its exit and last lines (for the log file, not the terminal).
 */
export class ChildStartFailed extends Error {
  override readonly name = "ChildStartFailed";
  readonly what: string;
  readonly reason: string;
  constructor(what: string, reason: string, exit: string, tail: readonly string[]) {
    super(`${what} exited (${exit}) before it was ready:\n${tail.join("\n")}`);
    this.what = what;
    this.reason = reason;
  }
}

/** The last thing a dying child said, in words (its fatal log line's `msg` when it logs JSON). */
export const lastWords = (tail: readonly string[]): string => {
  for (const line of [...tail].reverse()) {
    try {
      const j = JSON.parse(line) as Record<string, unknown>;
      if (typeof j.level === "number" && j.level >= 50 && typeof j.msg === "string") return j.msg;
    } catch {
      // not JSON
    }
  }
  return [...tail].reverse().find((l) => l.trim() !== "") ?? "no output";
};

/**
 * A child's environment: our defaults (the compile cache, `defaults`), which the
 * operator's own environment overrides, which what the caller sets overrides in turn.
 */
export const childEnv = (
  defaults: Readonly<Record<string, string>> = {},
  env: Readonly<Record<string, string | undefined>> = {},
): NodeJS.ProcessEnv => ({
  NODE_COMPILE_CACHE: COMPILE_CACHE_DIR,
  ...defaults,
  ...process.env,
  ...env,
});

export const spawnChild = (options: ChildOptions): Child => {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry], {
    env: childEnv(options.envDefaults, options.env),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const tail: string[] = [];
  const listeners = new Set<(line: string) => void>([options.onLine]);
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      for (const l of listeners) l(line);
    });
  }
  return {
    process: child,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tail: () => [...tail],
  };
};

/**
 * Resolves with the first value `pick` finds among what `watch` feeds it; rejects if
 * the child exits first, with the last lines it printed.
 */
const firstOf = <T>(
  child: Child,
  watch: (feed: (value: T | undefined) => void) => () => void,
  what: string,
): Promise<T> =>
  new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => {
      unwatch();
      const tail = child.tail();
      reject(new ChildStartFailed(what, lastWords(tail), `code ${code}, signal ${signal}`, tail));
    };
    const unwatch = watch((found) => {
      if (found === undefined) return;
      unwatch();
      child.process.off("exit", onExit);
      resolve(found);
    });
    child.process.once("exit", onExit);
  });

/** The first IPC message `pick` accepts (readiness: never a log line, whatever the log level). */
export const waitForMessage = <T>(
  child: Child,
  pick: (message: unknown) => T | undefined,
  what: string,
): Promise<T> =>
  firstOf(
    child,
    (feed) => {
      const onMessage = (message: unknown) => feed(pick(message));
      child.process.on("message", onMessage);
      return () => child.process.off("message", onMessage);
    },
    what,
  );

/** The first printed JSON object `pick` accepts (a process that announces itself on stdout). */
export const waitForLine = <T>(
  child: Child,
  pick: (json: Record<string, unknown>) => T | undefined,
  what: string,
): Promise<T> =>
  firstOf(
    child,
    (feed) =>
      child.subscribe((line) => {
        try {
          feed(pick(JSON.parse(line) as Record<string, unknown>));
        } catch {
          // not JSON: not the announcement
        }
      }),
    what,
  );

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
