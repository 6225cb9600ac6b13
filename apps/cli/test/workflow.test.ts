import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parse as parseCli } from "../src/cli.ts";
import { REPO_ROOT } from "./support/process.ts";

/**
 * The example GitHub Actions workflow, kept correct: the services it needs, the commands
 * it runs (root package scripts; the CLI's own flags as the CLI parses them), and the
 * artifacts it uploads being the files those commands write.
 */
interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, string>;
}
interface Job {
  readonly services: Record<
    string,
    { image: string; ports: string[]; options?: string; env?: Record<string, string> }
  >;
  readonly env: Record<string, string>;
  readonly steps: Step[];
}

const workflow = parseYaml(
  readFileSync(path.join(REPO_ROOT, ".github/workflows/scale-test.example.yml"), "utf8"),
) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const job = Object.values(workflow.jobs)[0] as Job;
const rootScripts = Object.keys(
  (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: object })
    .scripts,
);
const PNPM_BUILTINS = ["install"];

/** Every shell line of every `run:` step, split into words (the workflow quotes nothing pnpm gets). */
const pnpmCommands = job.steps
  .flatMap((s) => (s.run ?? "").split("\n"))
  .map((line) => line.trim().split(/\s+/))
  .filter((words) => words[0] === "pnpm");

describe("the example scale-test workflow", () => {
  it("runs only when asked (a file in .github/workflows is live)", () => {
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
  });

  it("has Postgres 15 and Redis 7 service containers, healthy before steps run, and points the platform at them", () => {
    expect(job.services.postgres?.image).toBe("postgres:15");
    expect(job.services.redis?.image).toBe("redis:7");
    expect(job.services.postgres?.ports).toContain("5432:5432");
    expect(job.services.redis?.ports).toContain("6379:6379");
    expect(job.services.postgres?.options).toMatch(/--health-cmd "pg_isready/);
    expect(job.services.redis?.options).toMatch(/--health-cmd "redis-cli ping"/);
    const db = new URL(job.env.DATABASE_URL ?? "");
    expect([db.hostname, db.port, db.password]).toEqual([
      "127.0.0.1",
      "5432",
      job.services.postgres?.env?.POSTGRES_PASSWORD,
    ]);
    expect(job.env.REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("runs only pnpm commands that exist: root scripts, and CLI flags the CLI accepts", () => {
    expect(pnpmCommands.length).toBeGreaterThanOrEqual(3);
    for (const [, name] of pnpmCommands) {
      expect([...rootScripts, ...PNPM_BUILTINS]).toContain(name);
    }
    const runs = pnpmCommands.filter(([, name]) => name === "scaleproof");
    expect(runs).toHaveLength(1);
    const cli = parseCli((runs[0] ?? []).slice(2)); // throws ArgumentError on a bad flag
    expect(cli.command).toBe("run");
    expect(cli.values).toMatchObject({ profile: "full", quick: true });
    const start = pnpmCommands.find(([, name]) => name === "start") ?? [];
    expect(start).toContain("--no-run"); // the workflow's own CLI step runs the profile
  });

  it("uploads exactly the files its commands write", () => {
    const written = new Set<string>();
    for (const words of pnpmCommands) {
      if (words[1] === "scaleproof") {
        const { values } = parseCli(words.slice(2));
        for (const file of [values.json, values.junit, values.summary]) {
          if (file && file !== "-") written.add(file);
        }
      }
      const redirect = words.indexOf(">");
      if (redirect > 0 && words[redirect + 1]) written.add(words[redirect + 1] ?? "");
    }
    const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    const uploaded = (upload?.with?.path ?? "")
      .split("\n")
      .map((p) => p.trim())
      .filter(Boolean);
    expect(new Set(uploaded)).toEqual(written);
    expect(written).toContain("scale-test/run.json");
    expect(written).toContain("scale-test/junit.xml");
  });
});
