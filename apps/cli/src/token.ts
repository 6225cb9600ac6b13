import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** --token, else $SCALEPROOF_TOKEN, $ADMIN_TOKEN, else the nearest .scaleproof/admin-token. */
export const findToken = (given: string | undefined): string | undefined => {
  const fromEnv = given || process.env.SCALEPROOF_TOKEN || process.env.ADMIN_TOKEN;
  if (fromEnv) return fromEnv;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const file = path.join(dir, ".scaleproof", "admin-token");
    if (existsSync(file)) return readFileSync(file, "utf8").trim();
    if (path.dirname(dir) === dir) return undefined;
  }
};
