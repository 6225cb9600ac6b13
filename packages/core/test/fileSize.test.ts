import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The core stays in small files named for what they hold (a 300-line file is two things). */
const SRC = path.resolve(import.meta.dirname, "../src");
const MAX_LINES = 200;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

describe("packages/core/src", () => {
  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files(SRC)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => ({
        file: path.relative(SRC, f),
        lines: readFileSync(f, "utf8").split("\n").length - 1,
      }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
