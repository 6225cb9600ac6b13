import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { loadReplayData } from "../src/data.ts";
import { DATA_DIR } from "./support.ts";

const MAIN = path.resolve(import.meta.dirname, "../src/main.ts");

/** Runs the real entry point; resolves with its printed lines once it exits or prints a url. */
const run = (env: Record<string, string>) => {
  const base = { ...process.env };
  for (const k of ["REPLAY_API_KEY", "BARS_DATA_DIR", "PORT", "REPLAY_LATENCY_MS"]) delete base[k];
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const ready = new Promise<{ url?: string; code?: number | null }>((resolve) => {
    for (const s of [child.stdout, child.stderr]) {
      createInterface({ input: s }).on("line", (line) => {
        lines.push(line);
        try {
          const url = (JSON.parse(line) as { url?: unknown }).url;
          if (typeof url === "string") resolve({ url });
        } catch {}
      });
    }
    child.once("exit", (code) => resolve({ code }));
  });
  return { child, lines, ready };
};

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

const emptyDir = () => mkdtempSync(path.join(tmpdir(), "replay-empty-"));

describe("startup", () => {
  it("refuses to load when there is no data: missing folder, no files, a malformed file", async () => {
    await expect(loadReplayData("/nonexistent/bars")).rejects.toThrow(
      /does not exist.*never invents prices/,
    );
    const empty = emptyDir();
    mkdirSync(path.join(empty, "GLBX.MDP3"));
    await expect(loadReplayData(empty)).rejects.toThrow(/no bars/);
    writeFileSync(
      path.join(empty, "GLBX.MDP3", "ESZ3.2013-10-06_2013-10-12.ohlcv-1m.csv"),
      "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol\n1,33,1,0,x,1,1,1,1,ESZ3\n",
    );
    await expect(loadReplayData(empty)).rejects.toThrow(/:2: non-integer field/);
  });

  it("the process exits 1 with a clear line without data, and without a key", async () => {
    const noData = run({ REPLAY_API_KEY: "secret-key-1", BARS_DATA_DIR: emptyDir() });
    expect(await noData.ready).toEqual({ code: 1 });
    expect(noData.lines.join("\n")).toMatch(/cannot start: no bars/);
    const noKey = run({ BARS_DATA_DIR: DATA_DIR });
    expect(await noKey.ready).toEqual({ code: 1 });
    expect(noKey.lines.join("\n")).toMatch(/REPLAY_API_KEY/);
  });

  it("prints one JSON line with its url (never the key), serves, and stops on SIGTERM", async () => {
    const key = "secret-key-2";
    const p = run({ REPLAY_API_KEY: key, BARS_DATA_DIR: DATA_DIR, PORT: "0" });
    const { url } = await p.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.lines.join("\n")).not.toContain(key);
    const res = await fetch(`${url}/v0/metadata.get_dataset_range?dataset=GLBX.MDP3`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
    });
    expect(res.status).toBe(200);
    p.child.kill("SIGTERM");
    expect(await exited(p.child)).toBe(0);
  });
});
