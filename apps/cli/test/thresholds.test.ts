import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../src/cli.ts";
import { ArgumentError } from "../src/errors.ts";
import { runInputFrom } from "../src/runArgs.ts";
import { runCli } from "./support/process.ts";

const input = (argv: string[]) =>
  runInputFrom(parse(["run", "--profile", "memory", ...argv]).values);

const refusal = (argv: string[]): ArgumentError => {
  try {
    input(argv);
  } catch (error) {
    if (error instanceof ArgumentError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
};

const config = (doc: unknown): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "scaleproof-config-")), "gates.json");
  writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  return file;
};

describe("--threshold and --config", () => {
  it("--threshold METRIC=EXPR is repeatable; the same metric twice gets both", () => {
    expect(
      input([
        "--threshold",
        "memory.latency_ms=p(95)<300",
        "--threshold",
        "memory.latency_ms=avg<150",
        "--threshold=cache.hit_rate=rate>=0.95",
      ]).thresholds,
    ).toEqual({ "memory.latency_ms": ["p(95)<300", "avg<150"], "cache.hit_rate": ["rate>=0.95"] });
    expect(input([]).thresholds).toBeUndefined();
  });

  it("--config FILE holds thresholds; a metric on the command line replaces the file's", () => {
    const file = config({
      thresholds: { "memory.latency_ms": ["p(95)<300"], "cache.hit_rate": "rate>=0.8" },
    });
    expect(
      input(["--config", file, "--threshold", "memory.latency_ms=p(99)<900"]).thresholds,
    ).toEqual({
      "memory.latency_ms": ["p(99)<900"],
      "cache.hit_rate": ["rate>=0.8"],
    });
  });

  it("refuses a bad expression, an unknown metric or a missing aggregation, naming flag and expression", () => {
    expect(refusal(["--threshold", "memory.latency_ms=p95<300"])).toMatchObject({
      flag: "--threshold",
      message: expect.stringMatching(
        /^--threshold: memory.latency_ms: not a k6 threshold expression: "p95<300"/,
      ),
    });
    expect(refusal(["--threshold", "memory.latency=p(95)<300"]).message).toMatch(
      /^--threshold: memory.latency: unknown threshold metric "memory.latency"/,
    );
    expect(refusal(["--threshold", "cache.hit_rate=avg<3"]).message).toMatch(
      /cache.hit_rate has no avg/,
    );
    expect(refusal(["--threshold", "p(95)<300"]).message).toMatch(
      /^--threshold: want METRIC=EXPRESSION/,
    );
    const file = config({ thresholds: { "cache.hit_rate": ["rate=>0.9"] } });
    expect(refusal(["--config", file]).flag).toBe(`--config ${file}`);
    expect(refusal(["--config", config("{nope")]).message).toMatch(/not a JSON file/);
    expect(refusal(["--config", config({ threshold: {} })]).message).toMatch(
      /unknown key threshold/,
    );
  });

  it("the process exits 2 naming the expression; `scaleproof thresholds` lists the registry", async () => {
    const r = await runCli([
      "run",
      "--profile",
      "cache",
      "--threshold",
      "cache.hit_rate=rate<<1",
      "--target",
      "http://127.0.0.1:9",
    ]);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(
      /^error: --threshold: cache.hit_rate: not a k6 threshold expression: "rate<<1"/,
    );
    const list = await runCli(["thresholds"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/cache\.hit_rate\s+rate>=0\.9\s+ratio \(0-1\)/);
    expect(list.stdout).toMatch(/memory\.leak_mb_per_h\s+value<=50 \(quick: value<=60\)\s+MB\/h/);
  });
});
