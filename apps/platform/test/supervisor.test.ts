import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { dropDatabase } from "@scaleproof/db/client";
import { describe, expect, it } from "vitest";
import { eventually, startTestCluster } from "./support/testCluster.ts";

/** Running (a zombie waiting for its reaper counts as gone). */
const running = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

describe("supervisor", () => {
  it("a cluster stopped while an instance's restart is pending spawns nothing afterwards", async () => {
    const c = await startTestCluster("supervisor", { instances: 1 });
    const [slot] = c.supervisor.view();
    if (!slot?.pid) throw new Error("no instance");
    const exited = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (c.supervisor.view()[0]?.live === false) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    process.kill(slot.pid, "SIGKILL");
    await exited; // the restart is now scheduled (100 ms back-off)
    await c.close();
    await new Promise((r) => setTimeout(r, 1_000));
    const after = c.supervisor.view()[0];
    expect(after?.pid).toBe(slot.pid); // no new process was started
    expect(running(slot.pid)).toBe(false); // and the old one is gone
    expect(running(c.balancer.pid)).toBe(false); // so is HAProxy
  });

  it("a platform killed with SIGKILL leaves neither HAProxy nor an instance behind", async () => {
    const platform = spawn(
      process.execPath,
      [path.join(import.meta.dirname, "fixtures/platformProcess.ts")],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const started = await new Promise<{
      haproxy: number;
      haproxyConfig: string;
      instance: number;
      database: string;
    }>((resolve, reject) => {
      platform.once("exit", (code) => reject(new Error(`platform exited (${code})`)));
      createInterface({ input: platform.stdout }).once("line", (l) => resolve(JSON.parse(l)));
    });
    try {
      expect(running(started.haproxy) && running(started.instance)).toBe(true);
      platform.kill("SIGKILL");
      await eventually(
        () => !running(started.haproxy) && !running(started.instance),
        "HAProxy and the instance gone with their platform",
      );
    } finally {
      platform.kill("SIGKILL");
      // What a killed platform cannot clean up itself: its database and HAProxy's folder.
      await dropDatabase(started.database);
      rmSync(path.dirname(started.haproxyConfig), { recursive: true, force: true });
    }
  });
});
