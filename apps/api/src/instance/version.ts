import { readFileSync } from "node:fs";

/** The api package's version, read once at boot. */
export const VERSION: string =
  (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    }
  ).version ?? "0.0.0";
