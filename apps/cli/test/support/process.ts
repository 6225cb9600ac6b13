import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../../..");
export const CLI = path.join(REPO_ROOT, "apps/cli/src/main.ts");

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A TypeScript entry point as its own process (Node 24 on its own type stripping, as a user runs it), with
 * no token in its environment unless given. `onStdout` sees the output so far, to send
 * the process a signal at the right moment.
 */
export const runNode = (
  entry: string,
  args: readonly string[],
  env: Record<string, string> = {},
  onStdout?: (soFar: string, child: ChildProcess) => void,
): Promise<Exited> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NO_COLOR: "1",
        SCALEPROOF_TOKEN: "",
        ADMIN_TOKEN: "",
        GITHUB_STEP_SUMMARY: "",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });

export const runCli = (
  args: readonly string[],
  env: Record<string, string> = {},
  onStdout?: (soFar: string, child: ChildProcess) => void,
): Promise<Exited> => runNode(CLI, args, env, onStdout);
