import { describe, expect, it } from "vitest";
import { parse } from "../src/cli.ts";
import { parseDuration } from "../src/duration.ts";
import { ArgumentError } from "../src/errors.ts";
import { runInputFrom } from "../src/runArgs.ts";
import { runCli } from "./support/process.ts";

const refusal = (argv: string[]): ArgumentError => {
  try {
    parse(argv);
  } catch (error) {
    if (error instanceof ArgumentError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
};

describe("--restarts", () => {
  it("reaches the run input as a list; an unknown dependency is refused, naming the flag", () => {
    const values = (argv: string[]) => parse(["run", "--profile", "cache", ...argv]).values;
    expect(runInputFrom(values(["--restarts", "redis,postgres"])).restarts).toEqual([
      "redis",
      "postgres",
    ]);
    expect(runInputFrom(values([])).restarts).toBeUndefined();
    expect(refusal(["run", "--profile", "cache", "--restarts", "mysql"]).flag).toBe("--restarts");
  });
});

describe("durations", () => {
  it.each([
    ["10m", 10],
    ["90s", 1.5],
    ["1h", 60],
    ["1.5h", 90],
    ["15", 15],
  ])("%s is %d minutes", (text, minutes) => {
    expect(parseDuration("--duration", text)).toBe(minutes);
  });

  it.each(["", "10x", "m", "-5m", "1h30m"])("refuses %j, naming the flag", (text) => {
    expect(() => parseDuration("--duration", text)).toThrow(/^--duration: not a duration/);
  });

  it("--duration and --duration-min reach the run input as minutes; both at once is refused", () => {
    const values = (argv: string[]) => parse(["run", "--profile", "cache", ...argv]).values;
    expect(runInputFrom(values(["--duration", "90s"])).durationMin).toBe(1.5);
    expect(runInputFrom(values(["--duration-min", "12"])).durationMin).toBe(12);
    expect(
      refusal(["run", "--profile", "cache", "--duration", "10m", "--duration-min", "3"]).flag,
    ).toBe("--duration");
  });
});

describe("--ranges", () => {
  it("START/END pairs become the run input's ranges", () => {
    const { values } = parse([
      "run",
      "--profile",
      "cache",
      "--ranges",
      "2013-10-07T14:00:00Z/2013-10-07T15:00:00Z,2013-10-08T14:00:00Z/2013-10-08T16:00:00Z",
    ]);
    expect(runInputFrom(values).ranges).toEqual([
      { start: "2013-10-07T14:00:00Z", end: "2013-10-07T15:00:00Z" },
      { start: "2013-10-08T14:00:00Z", end: "2013-10-08T16:00:00Z" },
    ]);
  });

  it.each([
    ["2013-10-07T14:00:00Z", /expected START\/END/],
    ["2013-10-07T15:00:00Z/2013-10-07T14:00:00Z", /start must be before end \(range 1\)/],
    ["2013-10-07T14:00:00Z/2013-10-07T15:00:00Z,yesterday/today", /\(range 2\)/],
  ])("%s is refused as --ranges", (text, why) => {
    const e = refusal(["run", "--profile", "cache", "--ranges", text]);
    expect(e.flag).toBe("--ranges");
    expect(e.message).toMatch(why);
  });
});

describe("bad arguments name the flag", () => {
  it.each([
    [["run", "--profile", "nope"], "--profile"],
    [["run", "--profile", "cache", "--tf", "7m"], "--tf"],
    [["run", "--profile", "cache", "--duration", "5h"], "--duration"],
    [["run", "--profile", "cache", "--concurrency", "lots"], "--concurrency"],
    [["run", "--profile", "cache", "--json"], "--json"],
    [["run", "--profile", "cache", "--junit", "-"], "--junit"],
    [["run", "--profile", "cache", "--quick=yes"], "--quick"],
    [["run", "--profile", "cache", "--colour"], "--colour"],
    [["status", "--limit", "3"], "--limit"],
    [["list", "--limit", "0"], "--limit"],
    [["list", "--status", "done"], "--status"],
    [["list", "--profile", "everything"], "--profile"],
    [["cancel"], "RUN_ID"],
    [["export", "not-a-run"], "RUN_ID"],
    [["results", "run_abc", "extra"], "extra"],
    [["status", "--target", "not a url"], "--target"],
    [["explode"], "explode"],
  ])("%j -> %s", (argv, flag) => {
    expect(refusal(argv).flag).toBe(flag);
  });

  it("the process exits 2 with one line on stderr, before it contacts anything", async () => {
    // Port 9 answers nothing here: had the CLI tried to reach it, the error would say so.
    const r = await runCli([
      "run",
      "--profile",
      "cache",
      "--tf",
      "7m",
      "--target",
      "http://127.0.0.1:9",
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('error: --tf: Invalid option: expected one of "1m"|"5m"\n');
    const list = await runCli(["list", "--limit", "many"]);
    expect(list).toMatchObject({ code: 2, stdout: "" });
    expect(list.stderr).toBe("error: --limit: expected a whole number from 1 to 200, got many\n");
  });

  it("--help is usage on stdout, exit 0; no command at all is an error", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/scaleproof list \[--limit N\]/);
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split("\n")).toHaveLength(1);
  });
});
