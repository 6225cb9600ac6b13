import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@scaleproof/client/trpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../../api/test/support/cluster.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../../api/test/support/ops.ts";
import { REPO_ROOT, runCli, runNode } from "./support/process.ts";

/**
 * examples/ runs as a user's own scripts would: separate processes that import only
 * @scaleproof/client, against a real 2-instance cluster.
 */
const EXAMPLES = path.join(REPO_ROOT, "examples");
const startAndWait = path.join(EXAMPLES, "start-and-wait.ts");
const compare = path.join(EXAMPLES, "compare-exports.ts");

let c: TestCluster;
let dir: string;

beforeAll(async () => {
  c = await startTestCluster("cli-examples", { instances: 2, env: { ...TOKEN_ENV } });
  dir = mkdtempSync(path.join(tmpdir(), "sp-examples-"));
});
afterAll(async () => {
  await c?.close();
});

const env = () => ({ SCALEPROOF_URL: c.url, SCALEPROOF_TOKEN: ADMIN_TOKEN });
const runIdOf = (stdout: string) => /^run (run_\w+) started/m.exec(stdout)?.[1] ?? "";

describe("examples", () => {
  it("import nothing but @scaleproof/client/* (and node's own modules)", () => {
    for (const file of [startAndWait, compare]) {
      const specifiers = [
        ...readFileSync(file, "utf8").matchAll(/^import .* from "([^"]+)";$/gm),
      ].map((m) => m[1] ?? "");
      expect(specifiers.length).toBeGreaterThan(0);
      for (const s of specifiers) expect(s).toMatch(/^(node:|@scaleproof\/client\/)/);
    }
  });

  it("start-and-wait and compare-exports: a PASS, a FAIL, and what changed between them", async () => {
    const pass = await runNode(startAndWait, [], env());
    expect(pass.stderr).toBe("");
    expect(pass.stdout).toMatch(/^run run_\w+ cache: PASS$/m);
    expect(pass.code).toBe(0);

    const admin = createClient(c.url, ADMIN_TOKEN);
    await admin.faults.set.mutate({ name: "cache-no-lock" });
    let fail: Awaited<ReturnType<typeof runNode>>;
    try {
      fail = await runNode(startAndWait, [], env());
    } finally {
      await admin.faults.clear.mutate({});
    }
    expect(fail.stdout).toMatch(/^FAIL stampede\.provider_fetch: \d+ \(expected = 1\)$/m);
    expect(fail.stdout).toMatch(/^run run_\w+ cache: FAIL$/m);
    expect(fail.code).toBe(1);

    const before = path.join(dir, "before.json");
    const after = path.join(dir, "after.json");
    for (const [out, file] of [
      [pass.stdout, before],
      [fail.stdout, after],
    ] as const) {
      expect((await runCli(["export", runIdOf(out), "--json", file], env())).code).toBe(0);
    }
    const fetches = (JSON.parse(readFileSync(after, "utf8")) as { metrics: Record<string, number> })
      .metrics["stampede.provider_fetch_count"];

    const worse = await runNode(compare, [before, after]);
    expect(worse.stdout).toMatch(
      /^ {2}stampede\.provider_fetch: PASS -> FAIL {2}\(actual 1 -> \d+, expected = 1\)$/m,
    );
    expect(worse.stdout).toContain(
      `  stampede.provider_fetch_count: 1 -> ${fetches}  (+${(fetches ?? 0) - 1})`,
    );
    expect(worse.code).toBe(1); // a check that passed now fails

    const better = await runNode(compare, [after, before]);
    expect(better.stdout).toMatch(/^ {2}stampede\.provider_fetch: FAIL -> PASS/m);
    expect(better.code).toBe(0);

    const same = await runNode(compare, [before, before]);
    expect(same.stdout).toMatch(/checks that changed:\n {2}none\n/);
    expect(same.stdout).toMatch(/metrics that moved:\n {2}none\n/);
    expect(same.code).toBe(0);

    const notAnExport = await runNode(compare, [before, path.join(REPO_ROOT, "package.json")]);
    expect(notAnExport.code).toBe(2);
    expect(notAnExport.stderr).toMatch(/package\.json: not a scaleproof run export \(v1 or v2\)/);
  });
});
