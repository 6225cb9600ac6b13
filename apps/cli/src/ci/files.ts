import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes `text` to `file` (its folder made if missing), or to stdout for `-`. */
export const writeOut = (file: string, text: string): void => {
  if (file === "-") {
    process.stdout.write(text);
    return;
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
};

/** Appends (GitHub's step summary collects every step's Markdown in one file). */
export const appendOut = (file: string, text: string): void => {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  appendFileSync(file, text);
};
