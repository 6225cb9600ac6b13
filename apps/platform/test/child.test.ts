import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMPILE_CACHE_DIR, spawnChild, stopChild, waitForLine } from "../src/child.ts";

const FIXTURE = path.join(import.meta.dirname, "fixtures/compileCacheDir.ts");

const cacheDirOf = async (env: Record<string, string>) => {
  const child = spawnChild({ entry: FIXTURE, env, onLine: () => {} });
  try {
    return await waitForLine(
      child,
      (j) => ("dir" in j ? { dir: j.dir } : undefined),
      "compile cache fixture",
    );
  } finally {
    await stopChild(child.process);
  }
};

describe("spawnChild", () => {
  it("starts children with Node's compile cache on, so a restarted instance compiles less", async () => {
    const { dir } = await cacheDirOf({});
    expect(typeof dir).toBe("string");
    expect(String(dir).startsWith(COMPILE_CACHE_DIR)).toBe(true);
  });

  it("keeps a NODE_COMPILE_CACHE the caller chose", async () => {
    const chosen = path.join(COMPILE_CACHE_DIR, "chosen-by-caller");
    const { dir } = await cacheDirOf({ NODE_COMPILE_CACHE: chosen });
    expect(String(dir).startsWith(chosen)).toBe(true);
  });
});
