import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ChildOptions,
  COMPILE_CACHE_DIR,
  spawnChild,
  stopChild,
  waitForLine,
} from "../src/child.ts";

const FIXTURE = path.join(import.meta.dirname, "fixtures/compileCacheDir.ts");

interface Probe {
  readonly dir: unknown;
  readonly execArgv: readonly string[];
  readonly env: Record<string, string | null>;
}

const probe = async (env: Record<string, string>, more: Partial<ChildOptions> = {}) => {
  const child = spawnChild({ entry: FIXTURE, env, onLine: () => {}, ...more });
  try {
    return await waitForLine(
      child,
      (j) => ("dir" in j ? (j as unknown as Probe) : undefined),
      "compile cache fixture",
    );
  } finally {
    await stopChild(child.process);
  }
};

describe("spawnChild", () => {
  it("starts children with Node's compile cache on, so a restarted instance compiles less", async () => {
    const { dir } = await probe({});
    expect(typeof dir).toBe("string");
    expect(String(dir).startsWith(COMPILE_CACHE_DIR)).toBe(true);
  });

  it("keeps a NODE_COMPILE_CACHE the caller chose", async () => {
    const chosen = path.join(COMPILE_CACHE_DIR, "chosen-by-caller");
    const { dir } = await probe({ NODE_COMPILE_CACHE: chosen });
    expect(String(dir).startsWith(chosen)).toBe(true);
  });

  it("runs a TypeScript entry on Node's own type stripping, with no transpiler loaded", async () => {
    const { execArgv } = await probe({}, { nodeArgs: ["--v8-pool-size=2"] });
    expect(execArgv).toEqual(["--v8-pool-size=2"]);
  });

  it("lets the operator's environment override a default, and the caller's env override both", async () => {
    const vars = ["SP_TEST_DEFAULTED", "SP_TEST_OPERATOR", "SP_TEST_CALLER"];
    process.env.SP_TEST_OPERATOR = "operator";
    process.env.SP_TEST_CALLER = "operator";
    try {
      const { env } = await probe(
        { PROBE_VARS: vars.join(","), SP_TEST_CALLER: "caller" },
        {
          envDefaults: {
            SP_TEST_DEFAULTED: "default",
            SP_TEST_OPERATOR: "default",
            SP_TEST_CALLER: "default",
          },
        },
      );
      expect(env).toEqual({
        SP_TEST_DEFAULTED: "default",
        SP_TEST_OPERATOR: "operator",
        SP_TEST_CALLER: "caller",
      });
    } finally {
      delete process.env.SP_TEST_OPERATOR;
      delete process.env.SP_TEST_CALLER;
    }
  });
});
