import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runNode } from "./support/process.ts";

const SCRIPT = path.join(REPO_ROOT, "scripts/run-export-schema.ts");
const COMMITTED = path.join(REPO_ROOT, "docs/run-export.schema.json");

describe("pnpm schema", () => {
  it("--check passes: the committed JSON Schema is what the zod schema generates", async () => {
    const r = await runNode(SCRIPT, ["--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const schema = JSON.parse(readFileSync(COMMITTED, "utf8"));
    expect(schema.title).toBe("scaleproof.run/v2");
    expect(schema.properties.schemaVersion).toEqual({ type: "string", const: "scaleproof.run/v2" });
  });

  it("--check fails on a file that differs, and writing restores it byte for byte", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sp-schema-")), "schema.json");
    const committed = readFileSync(COMMITTED, "utf8");
    writeFileSync(
      file,
      committed.replace('"const": "scaleproof.run/v2"', '"const": "scaleproof.run/v1"'),
    );
    const stale = await runNode(SCRIPT, ["--check", "--file", file]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/differs from the zod schema runExport: run pnpm schema/);
    const write = await runNode(SCRIPT, ["--file", file]);
    expect(write.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(committed);
    expect((await runNode(SCRIPT, ["--check", "--file", file])).code).toBe(0);
  });
});
