import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";

/**
 * The Postgres driver survives Postgres dying under transactions. postgres.js 3.4.9
 * buffers small writes behind a setImmediate; when the socket closed first, that write
 * came due on a null socket and threw where nothing could catch it
 * (porsager/postgres#1154, #1208), killing the process: both instances of the jobs
 * profile's Postgres-restart run died that way. patches/postgres@3.4.9.patch settles
 * such a write with CONNECTION_CLOSED instead. Without it this test's process dies
 * (4 of 4 times on this machine); with it, it sees the outage, recovers and exits 0.
 */
let pg: PrivateServer;

beforeAll(async () => {
  pg = await startPrivatePostgres();
});
afterAll(async () => {
  await pg?.close();
});

const CHILD = path.join(import.meta.dirname, "fixtures", "transactionsThroughOutage.ts");

describe("the Postgres driver through an abrupt Postgres stop", () => {
  it("keeps the process alive: every query settles, and queries work again after the restart", async () => {
    const child = spawn(process.execPath, [CHILD, `${pg.url}/postgres`, "60000"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // "close": the process has exited and its stdout is read to the end
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    // every line kept as it comes; a wait resolves on a phase seen before it or after
    const phases: string[] = [];
    const waits: { want: string; resolve: () => void }[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      const { phase } = JSON.parse(line) as { phase: string };
      phases.push(phase);
      for (const w of waits.filter((x) => x.want === phase)) w.resolve();
    });
    const seen = (want: string) =>
      new Promise<void>((resolve, reject) => {
        if (phases.includes(want)) return resolve();
        waits.push({ want, resolve });
        void exited.then((code) => reject(new Error(`exited ${code} before "${want}": ${stderr}`)));
      });
    try {
      await seen("running");
      const failing = seen("failing");
      failing.catch(() => {}); // awaited below; its rejection is not left unhandled meanwhile
      await pg.stop(); // pg_ctl -m immediate: every backend dies mid-transaction
      await failing;
      await pg.start();
      await seen("done");
      expect(await exited).toBe(0);
      expect(phases).toEqual(["running", "failing", "recovered", "done"]);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
