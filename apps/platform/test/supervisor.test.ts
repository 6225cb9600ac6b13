import { describe, expect, it } from "vitest";
import { startTestCluster } from "../support/cluster.ts";

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
    expect(() => process.kill(slot.pid as number, 0)).toThrow(); // and the old one is gone
  });
});
