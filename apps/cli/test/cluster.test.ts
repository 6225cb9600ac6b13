import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runExport } from "@scaleproof/client/export";
import { waitForRun } from "@scaleproof/client/runs";
import { createClient } from "@scaleproof/client/trpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../../api/test/support/cluster.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../../api/test/support/ops.ts";
import { CLI, runCli } from "./support/process.ts";

/** The CLI as a user runs it (a separate process) against a real 2-instance cluster. */
let c: TestCluster;
let dir: string;

beforeAll(async () => {
  c = await startTestCluster("cli", { instances: 2, env: { ...TOKEN_ENV } });
  dir = mkdtempSync(path.join(tmpdir(), "sp-cli-"));
});
afterAll(async () => {
  await c?.close();
});

const env = () => ({ SCALEPROOF_URL: c.url, SCALEPROOF_TOKEN: ADMIN_TOKEN });
const admin = () => createClient(c.url, ADMIN_TOKEN);
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour and cursor codes
const ESCAPES = /\x1b\[/;

/** A quick cache run started and finished through the API, for the commands that read runs. */
const quickRun = async () => {
  const { id } = await admin().scaleTest.run.mutate({ profile: "cache", quick: true });
  expect((await waitForRun(admin(), id, { intervalMs: 250, timeoutMs: 300_000 })).status).toBe(
    "passed",
  );
  return id;
};

/** Starts a long run (the steady step lasts its whole duration) to interrupt. */
const startLongRun = async () => {
  const run = await admin().scaleTest.run.mutate({ profile: "cache", durationMin: 10 });
  return run.id;
};

describe("scaleproof run for CI", () => {
  it("--json - puts the export alone on stdout, people's output on stderr, and writes JUnit and the Markdown summaries", async () => {
    const stepSummary = path.join(dir, "step-summary.md");
    writeFileSync(stepSummary, "# an earlier step\n");
    const junit = path.join(dir, "reports", "junit.xml");
    const summary = path.join(dir, "summary.md");
    const r = await runCli(
      [
        "run",
        "--profile",
        "cache",
        "--quick",
        "--json",
        "-",
        "--junit",
        junit,
        "--summary",
        summary,
      ],
      { ...env(), GITHUB_STEP_SUMMARY: stepSummary },
    );
    expect(r.code).toBe(0);
    const doc = runExport.parse(JSON.parse(r.stdout));
    expect(doc.run).toMatchObject({ status: "passed", verdict: "PASS", profile: "cache" });
    expect(r.stderr).toMatch(/^run run_\w+ \(cache\) started on i\d/);
    expect(r.stderr).toMatch(/^ {2}PASS stampede\.provider_fetch: 1 \(expected = 1\)$/m);
    // 42s, 5m10s or 1h02m
    const t = String.raw`(\d+s|\d+m\d\ds|\d+h\d\dm)`;
    expect(r.stderr).toMatch(new RegExp(String.raw`\] 100% {2}verdict {2}${t} elapsed$`, "m"));
    // while it ran: how long so far, how long to go
    expect(r.stderr).toMatch(new RegExp(String.raw`% {2}\S+ {2}${t} elapsed, ~${t} left`));
    expect(r.stderr).toMatch(/^cache: PASS$/m);
    expect(r.stderr).not.toMatch(ESCAPES); // not a terminal: plain lines

    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain(`tests="${doc.checks.length}" failures="0" errors="0"`);
    for (const check of doc.checks) expect(xml).toContain(`name="${check.name}"`);
    expect(xml).toContain(`<property name="run.id" value="${doc.run.id}"/>`);

    const md = readFileSync(summary, "utf8");
    expect(md.split("\n")[0]).toBe("## ✅ scaleproof cache: PASS");
    expect(md.match(/^\| ✅ \|/gm)).toHaveLength(doc.checks.length);
    expect(readFileSync(stepSummary, "utf8")).toBe(`# an earlier step\n${md}`);
  });

  it("results, export and list find a run", async () => {
    const runId = await quickRun();
    const results = await runCli(["results", runId], env());
    expect(results.code).toBe(0);
    expect(results.stdout).toMatch(/^cache: PASS$/m);

    const exported = await runCli(["export", runId], env());
    expect(exported.code).toBe(0);
    expect(runExport.parse(JSON.parse(exported.stdout)).run.id).toBe(runId);
    const file = path.join(dir, "export", "run.json");
    const toFile = await runCli(["export", runId, "--json", file], env());
    expect(toFile.stdout).toBe(`exported scaleproof.run/v2 to ${file}\n`);
    expect(runExport.parse(JSON.parse(readFileSync(file, "utf8"))).checks).toEqual(
      runExport.parse(JSON.parse(exported.stdout)).checks,
    );

    const passed = await runCli(["list", "--status", "passed", "--profile", "cache"], env());
    expect(passed.code).toBe(0);
    expect(passed.stdout.split("\n")[0]).toMatch(
      /^run +profile +status +verdict +checks +created +took$/,
    );
    expect(passed.stdout).toMatch(new RegExp(`^${runId} +cache +passed +PASS +(\\d+)/\\1 `, "m"));
    const aborted = await runCli(["list", "--status", "aborted"], env());
    expect(aborted.stdout).not.toContain(runId);
    const jobs = await runCli(["list", "--profile", "jobs"], env());
    expect(jobs.stdout).toBe("no runs\n");
  });

  it("on a terminal: a box table; with NO_COLOR on the same terminal: plain columns, no escapes", async () => {
    await quickRun();
    // util-linux `script` gives the CLI a pseudo-terminal, as a person's shell would.
    const onTerminal = (noColor: boolean) =>
      execFileSync("script", ["-qec", `${process.execPath} ${CLI} list --limit 1`, "/dev/null"], {
        encoding: "utf8",
        env: {
          ...process.env,
          ...env(),
          TERM: "xterm",
          NO_COLOR: noColor ? "1" : "",
          COLUMNS: "150",
        },
      });
    const boxed = onTerminal(false);
    expect(boxed).toMatch(/┌─+/); // cli-table3 colours the border piece by piece
    expect(boxed).toMatch(/│.* run_\w+ .*│/);
    expect(boxed).toMatch(ESCAPES);
    const plain = onTerminal(true);
    expect(plain).not.toMatch(/┌/);
    expect(plain).not.toMatch(ESCAPES);
    expect(plain).toMatch(/^run +profile +status/m);
  });
});

describe("Ctrl-C and cancel", () => {
  it("Ctrl-C during run cancels the run it started, says so, and exits 2", async () => {
    let sent = false;
    const r = await runCli(
      ["run", "--profile", "cache", "--duration", "10m"],
      env(),
      (out, child) => {
        if (!sent && /^run run_\w+ \(cache\) started/m.test(out)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    );
    const runId = /^run (run_\w+) \(cache\) started/m.exec(r.stdout)?.[1] ?? "";
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`Ctrl-C: cancelling run ${runId}`);
    expect(r.stdout).toMatch(new RegExp(`^run ${runId} aborted: cancelled by an admin$`, "m"));
    const { run } = await admin().scaleTest.results.query({ runId });
    expect(run).toMatchObject({ status: "aborted", cancelRequested: true });
  });

  it("a second Ctrl-C leaves at once, without waiting for the run to stop", async () => {
    let presses = 0;
    const r = await runCli(
      ["run", "--profile", "cache", "--duration", "10m"],
      env(),
      (out, child) => {
        if (presses === 0 && /^run run_\w+ \(cache\) started/m.test(out)) {
          presses++;
          child.kill("SIGINT");
        } else if (presses === 1 && /Ctrl-C: cancelling/.test(out)) {
          presses++;
          child.kill("SIGINT");
        }
      },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/second Ctrl-C: leaving without waiting for the run to stop/);
    expect(r.stdout).not.toMatch(/aborted: cancelled by an admin/);
    // the run ends all the same (the first Ctrl-C's cancel, or this one)
    const runId = /^run (run_\w+) \(cache\) started/m.exec(r.stdout)?.[1] ?? "";
    await admin()
      .scaleTest.cancel.mutate({ runId })
      .catch(() => undefined);
    expect((await waitForRun(admin(), runId, { intervalMs: 250, timeoutMs: 300_000 })).status).toBe(
      "aborted",
    );
  });

  it("cancel RUN_ID ends a running run aborted; cancelling it again is a CONFLICT (exit 2)", async () => {
    const runId = await startLongRun();
    const r = await runCli(["cancel", runId], env());
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^cancel requested for run ${runId} \\(cache, running\\)`));
    const ended = await waitForRun(admin(), runId, { intervalMs: 250, timeoutMs: 300_000 });
    expect(ended).toMatchObject({ status: "aborted", reason: "cancelled by an admin" });
    const again = await runCli(["cancel", runId], env());
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`error: CONFLICT: run ${runId} is already aborted\n`);
    const unknown = await runCli(["cancel", "run_not_there"], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: NOT_FOUND: no run run_not_there$/m);
  });
});
