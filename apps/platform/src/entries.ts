import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The processes the platform runs, by file: it starts them, it never imports them.
 * The instance is apps/api's composition root; the replay upstream is found through its
 * package's `./entry` export (it prints one JSON line with its `url` once listening).
 */
export const INSTANCE_ENTRY = path.resolve(import.meta.dirname, "../../api/src/main.ts");

export const replayEntry = (): string =>
  fileURLToPath(import.meta.resolve("@scaleproof/replay/entry"));
