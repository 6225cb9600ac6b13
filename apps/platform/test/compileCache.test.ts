import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "./support/testCluster.ts";

/**
 * A crashed instance is restarted mid-run (the cache takeover, the jobs crash) and the
 * run waits for it: its replacement must find the code its peers compiled already.
 */
let c: TestCluster;
let cacheDir: string;

beforeAll(async () => {
  cacheDir = mkdtempSync(path.join(tmpdir(), "sp-compile-cache-"));
  c = await startTestCluster("compile-cache", {
    instances: 1,
    env: { LOG_LEVEL: "warn", NODE_COMPILE_CACHE: cacheDir },
  });
});
afterAll(async () => {
  await c?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("the instances' compile cache", () => {
  it("is written once an instance is ready, while it still runs (a killed one never exits)", async () => {
    const cachedFiles = () =>
      readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
        .length;
    await expect.poll(cachedFiles).toBeGreaterThan(0);
    expect(c.supervisor.live().map((s) => s.instanceId)).toEqual(["i1"]);
  });
});
