import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { DatasetData, ReplayData } from "./data.ts";
import { loadDataset } from "./datasetLoader.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/**
 * Where the bars are read from when `BARS_DATA_DIR` is unset: `<repo>/../shared/data/bars`,
 * the real recorded data of this environment (shared/data/SOURCES.md; never copied into
 * the repository).
 */
export const DEFAULT_DATA_DIR = path.resolve(REPO_ROOT, "../shared/data/bars");

/** The folder holds no recorded bars: the replay refuses to start rather than invent prices. */
export class NoBarsData extends Error {
  override readonly name = "NoBarsData";
  readonly dir: string;
  constructor(dir: string, why: string) {
    super(
      `no bars in ${dir}: ${why}. Set BARS_DATA_DIR to a folder of <DATASET>/<CONTRACT>.<from>_<to>.ohlcv-1m.csv files of real recorded bars (see shared/data/SOURCES.md); the replay upstream never invents prices`,
    );
    this.dir = dir;
  }
}

/**
 * Reads every `*.ohlcv-1m.csv` under `dir/<DATASET>/` into memory. A missing or empty
 * folder is `NoBarsData`; a malformed file is an error naming the file and line.
 */
export const loadReplayData = async (dir: string): Promise<ReplayData> => {
  if (!existsSync(dir)) throw new NoBarsData(dir, "the folder does not exist");
  const datasets = new Map<string, DatasetData>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dataset = await loadDataset(path.join(dir, entry.name), entry.name);
    if (dataset) datasets.set(entry.name, dataset);
  }
  if (datasets.size === 0)
    throw new NoBarsData(dir, "no non-empty *.ohlcv-1m.csv file in any <DATASET>/ folder");
  return { dir, datasets };
};
