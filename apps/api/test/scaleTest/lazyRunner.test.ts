import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * The scale-test runner (profiles, their services, Effect's runtime) is loaded on the
 * first run, not at boot: an instance that never runs a scale test does not carry it
 * (issue 17 #5). Checked in a fresh Node process that records every module it loads.
 */
const loadedBy = async (entries: readonly string[]): Promise<string[]> => {
  const script = `
    import { registerHooks } from "node:module";
    const urls = [];
    registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
    for (const e of ${JSON.stringify(entries)}) await import(e);
    console.log(JSON.stringify(urls));
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script],
    { env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]") as string[];
};

const src = (p: string) => new URL(`../../src/${p}`, import.meta.url).href;
const isRunner = (url: string) =>
  url.endsWith("/scaleTest/launch.ts") || url.endsWith("/scale-test/registry.ts");

describe("scale-test runner loading", () => {
  it("the coordinator an instance boots with does not load the runner", async () => {
    const urls = await loadedBy([src("scaleTest/coordinator.ts")]);
    expect(urls.some((u) => u.endsWith("/scaleTest/coordinator.ts"))).toBe(true);
    expect(urls.filter(isRunner)).toEqual([]);
  });

  it("the runner module brings the profiles in", async () => {
    const urls = await loadedBy([src("scaleTest/launch.ts")]);
    expect(urls.filter(isRunner)).toHaveLength(2);
  });
});
