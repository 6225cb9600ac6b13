import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { DEFAULT_DATA_DIR, loadReplayData, NoBarsData } from "../src/dataDir.ts";
import { DATA_DIR } from "./support.ts";

const MAIN = path.resolve(import.meta.dirname, "../src/main.ts");

/** Runs the real entry point; resolves with its printed lines once it exits or prints a url. */
const run = (env: Record<string, string>) => {
  const base = { ...process.env };
  for (const k of ["REPLAY_API_KEY", "BARS_DATA_DIR", "PORT", "REPLAY_LATENCY_MS"]) delete base[k];
  const child = spawn(process.execPath, [MAIN], {
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
    // "close", not "exit": every line printed has been read by then.
    child.once("close", (code) => resolve({ code }));
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
    await expect(loadReplayData("/nonexistent/bars")).rejects.toBeInstanceOf(NoBarsData);
    const empty = emptyDir();
    mkdirSync(path.join(empty, "GLBX.MDP3"));
    await expect(loadReplayData(empty)).rejects.toThrow(/no bars/);
    writeFileSync(
      path.join(empty, "GLBX.MDP3", "ESZ3.2013-10-06_2013-10-12.ohlcv-1m.csv"),
      "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol\n1,33,1,0,x,1,1,1,1,ESZ3\n",
    );
    await expect(loadReplayData(empty)).rejects.toThrow(/:2: non-integer field/);
  });

  it("without data the process exits 1 with one line naming the folder and BARS_DATA_DIR, no stack trace", async () => {
    const empty = emptyDir();
    for (const dir of ["/nonexistent/bars", empty]) {
      const noData = run({ REPLAY_API_KEY: "secret-key-1", BARS_DATA_DIR: dir });
      expect(await noData.ready).toEqual({ code: 1 });
      expect(noData.lines).toHaveLength(1);
      const line = JSON.parse(noData.lines[0] ?? "") as { msg: string; dataDir: string };
      expect(line.dataDir).toBe(dir);
      expect(line.msg).toMatch(/^replay upstream cannot start: no bars in /);
      expect(line.msg).toContain(dir);
      expect(line.msg).toContain("Set BARS_DATA_DIR");
      expect(noData.lines[0]).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });

  it("exits 1 with a clear line without a key", async () => {
    const noKey = run({ BARS_DATA_DIR: DATA_DIR });
    expect(await noKey.ready).toEqual({ code: 1 });
    expect(noKey.lines.join("\n")).toMatch(/REPLAY_API_KEY/);
  });

  it("without BARS_DATA_DIR it reads <repo>/../shared/data/bars", () => {
    const repo = path.resolve(import.meta.dirname, "../../..");
    expect(DEFAULT_DATA_DIR).toBe(path.resolve(repo, "../shared/data/bars"));
  });

  it("prints one JSON line with its url (never the key), serves, and stops on SIGTERM", async () => {
    const key = "secret-key-2";
    // BARS_DATA_DIR left unset: the default folder.
    const p = run({ REPLAY_API_KEY: key, PORT: "0" });
    const { url } = await p.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const listening = JSON.parse(p.lines.find((l) => l.includes(url ?? "?")) ?? "{}");
    expect(listening).toMatchObject({ event: "listening", dataDir: DEFAULT_DATA_DIR });
    expect(p.lines.join("\n")).not.toContain(key);
    const res = await fetch(`${url}/v0/metadata.get_dataset_range?dataset=GLBX.MDP3`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
    });
    expect(res.status).toBe(200);
    p.child.kill("SIGTERM");
    expect(await exited(p.child)).toBe(0);
  });
});
