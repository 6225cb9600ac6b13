import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@scaleproof/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `pnpm start --exit` as CI and `pnpm soak` use it: start the platform, run a profile
 * through the CLI, print the verdict, stop everything, exit with the verdict's code.
 */
const START = path.resolve(import.meta.dirname, "../src/start.ts");
let db: TestDatabase;
let state: string;
beforeAll(async () => {
  db = await createTestDatabase("sp_platform_start");
  state = mkdtempSync(path.join(tmpdir(), "sp-start-"));
});
afterAll(async () => {
  await db?.drop();
  rmSync(state, { recursive: true, force: true });
});

const start = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [START, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        SCALEPROOF_STATE_DIR: state,
        ADMIN_TOKEN: "admin-token-for-tests-0123456789",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("exit", (code) => resolve({ code, out }));
  });

describe("pnpm start --exit", () => {
  it("runs the profile asked for, exits with its verdict's code and leaves the export", async () => {
    const { code, out } = await start(["--exit", "--profile", "cache", "--port", "0"]);
    expect(out).toMatch(/running the cache profile in quick mode/);
    expect(code, out).toBe(0);
    expect(out).toMatch(/PASS/);
    expect(
      readdirSync(path.join(state, "runs")).filter((f) => f.startsWith("cache-")),
    ).toHaveLength(1);
  });

  it("refuses a bad argument with exit 2 before starting anything", async () => {
    const { code, out } = await start(["--exit", "--instances", "0"]);
    expect(code).toBe(2);
    expect(out).toMatch(/--instances/);
  });

  it("a clone without the recorded bars gets one line naming the folder and BARS_DATA_DIR, no stack trace", async () => {
    const missing = path.join(state, "no-such-data");
    const { code, out } = await start(["--exit", "--port", "0"], { BARS_DATA_DIR: missing });
    expect(code, out).toBe(1);
    const said = out.split("\n").filter((l) => l.includes(missing));
    expect(said, out).toEqual([
      expect.stringMatching(/^\[scaleproof\] cannot start: replay upstream: .*BARS_DATA_DIR/),
    ]);
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toMatch(/"level":/);
  });
});
