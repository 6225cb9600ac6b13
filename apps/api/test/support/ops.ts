import { spawn } from "node:child_process";
import path from "node:path";
import { isTerminal, type RunView } from "@scaleproof/core/scale-test/schema";
import { requestLineOf, signEvidence } from "../../src/runs/evidenceSignature.ts";
import { type Client, createClient } from "./trpcClient.ts";

export const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
export const READ_TOKEN = "viewer-token-for-tests-0123456789";
export const TOKEN_ENV = { ADMIN_TOKEN, READ_TOKEN };

export const adminClient = (url: string): Client => createClient(url, ADMIN_TOKEN);

/** Polls status/results until the run matches `until` (default: ended). */
export const waitForRun = async (
  client: Client,
  runId: string,
  until: (run: RunView) => boolean = (r) => isTerminal(r.status),
  timeoutMs = 300_000,
): Promise<RunView> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const { run } = await client.scaleTest.results.query({ runId });
      if (until(run)) return run;
      last = run;
    } catch (error) {
      // An instance killed on purpose drops the requests it was serving (502 from the
      // front door, as from a real load balancer): ask again.
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`run ${runId} stuck: ${String(JSON.stringify(last))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const checkOf = (run: { checks: RunView["checks"] }, name: string) => {
  const c = run.checks.find((x) => x.name === name);
  if (!c) throw new Error(`run has no check ${name}: ${run.checks.map((x) => x.name).join(", ")}`);
  return c;
};

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const CLI = path.resolve(import.meta.dirname, "../../../cli/src/main.ts");

/** The real CLI as a separate process (Node 24, its own type stripping), as a user runs it. */
export const runCli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: "1", SCALEPROOF_TOKEN: "", ADMIN_TOKEN: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });

/** Headers that make one request evidence of `runId`, signed as the runner signs them. */
export const runEvidence = (runId: string, url: string, method = "GET") =>
  signEvidence(ADMIN_TOKEN, runId, requestLineOf(method, url));
