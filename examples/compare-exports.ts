/**
 * Compares two exported runs (`scaleproof run --json a.json`, later `--json b.json`):
 * which checks changed (PASS -> FAIL, FAIL -> PASS, new, gone) and how every numeric
 * metric moved. Exits 1 when a check that passed in the first now fails, else 0; 2 when a
 * file is not a scaleproof export.
 *
 *   pnpm exec node examples/compare-exports.ts before.json after.json
 */
import { readFileSync } from "node:fs";
import { anyRunExport, type RunExport } from "@scaleproof/client/export";

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error("usage: compare-exports.ts BEFORE.json AFTER.json");
  process.exit(2);
}

const load = (file: string): RunExport => {
  const parsed = anyRunExport.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    console.error(
      `${file}: not a scaleproof run export (v1 or v2): ${parsed.error.issues[0]?.message}`,
    );
    process.exit(2);
  }
  return parsed.data;
};

const before = load(beforeFile);
const after = load(afterFile);
console.log(
  `before: ${before.run.id} ${before.run.profile} ${before.run.verdict ?? before.run.status}`,
);
console.log(
  `after:  ${after.run.id} ${after.run.profile} ${after.run.verdict ?? after.run.status}`,
);

const mark = (pass: boolean | undefined) => (pass === undefined ? "—" : pass ? "PASS" : "FAIL");
const checksBefore = new Map(before.checks.map((c) => [c.name, c]));
const checksAfter = new Map(after.checks.map((c) => [c.name, c]));
let regressions = 0;
console.log("\nchecks that changed:");
let changed = 0;
for (const name of new Set([...checksBefore.keys(), ...checksAfter.keys()])) {
  const a = checksBefore.get(name);
  const b = checksAfter.get(name);
  if (a?.pass === b?.pass) continue;
  changed++;
  if (a?.pass && !b?.pass) regressions++;
  console.log(
    `  ${name}: ${mark(a?.pass)} -> ${mark(b?.pass)}  (actual ${a?.actual ?? "—"} -> ${b?.actual ?? "—"}, expected ${b?.expected ?? a?.expected})`,
  );
}
if (!changed) console.log("  none");

console.log("\nmetrics that moved:");
let moved = 0;
for (const key of new Set([...Object.keys(before.metrics), ...Object.keys(after.metrics)])) {
  const a = before.metrics[key];
  const b = after.metrics[key];
  if (a === b) continue;
  moved++;
  const delta =
    typeof a === "number" && typeof b === "number"
      ? `  (${b - a >= 0 ? "+" : ""}${+(b - a).toFixed(6)})`
      : "";
  console.log(`  ${key}: ${a ?? "—"} -> ${b ?? "—"}${delta}`);
}
if (!moved) console.log("  none");

process.exit(regressions > 0 ? 1 : 0);
