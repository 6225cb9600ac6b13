import { existsSync } from "node:fs";
import path from "node:path";

/** The workspace root: the nearest folder up from here holding pnpm-workspace.yaml. */
const findRepoRoot = (from: string): string => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
};

/**
 * The real market data the tests read (never copied into this repository): `../shared/data`
 * next to the repository, or wherever SHARED_DATA_DIR points.
 */
export const sharedDataDir = process.env.SHARED_DATA_DIR
  ? path.resolve(process.env.SHARED_DATA_DIR)
  : path.resolve(findRepoRoot(import.meta.dirname), "../shared/data");

export const dbnFixturesDir = path.join(sharedDataDir, "dbn-fixtures");

export const esz3CsvPath = path.join(
  sharedDataDir,
  "bars/GLBX.MDP3/ESZ3.2013-10-06_2013-10-12.ohlcv-1m.csv",
);
