import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runExportJsonSchema } from "../packages/client/src/export.ts";

/**
 * `pnpm schema`: writes the export's JSON Schema (from the zod schema `runExport`) to
 * docs/run-export.schema.json. `pnpm schema --check` writes nothing and exits 1 when the
 * committed file differs from what the zod schema says now. The text is formatted by the
 * repository's biome, so `pnpm lint` and this check agree on every byte.
 */
const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    file: { type: "string", default: "docs/run-export.schema.json" },
  },
});
const root = path.resolve(import.meta.dirname, "..");
const file = path.resolve(root, values.file);
const wanted = execFileSync(
  path.join(root, "node_modules", ".bin", "biome"),
  ["format", "--stdin-file-path=docs/run-export.schema.json"],
  { input: JSON.stringify(runExportJsonSchema()), encoding: "utf8" },
);
const name = path.relative(process.cwd(), file);

if (!values.check) {
  writeFileSync(file, wanted);
  console.log(`wrote ${name}`);
} else {
  let committed: string | undefined;
  try {
    committed = readFileSync(file, "utf8");
  } catch {
    committed = undefined;
  }
  if (committed === wanted) {
    console.log(`${name} matches the zod schema`);
  } else {
    console.error(
      `${name} ${committed === undefined ? "is missing" : "differs from the zod schema runExport"}: run pnpm schema and commit it`,
    );
    process.exitCode = 1;
  }
}
