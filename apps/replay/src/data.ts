import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { BarRow } from "./barFile.ts";
import { loadDataset } from "./datasetLoader.ts";

export interface DaySpan {
  /** UTC days since the epoch, [from, to): the dates in the file name. */
  readonly from: number;
  readonly to: number;
}

export interface ContractData {
  readonly contract: string;
  readonly root: string;
  readonly expiry: number;
  /** The days the recorded files cover: the days on which this contract resolves. */
  readonly spans: readonly DaySpan[];
  readonly rows: readonly BarRow[];
}

export interface DatasetData {
  readonly dataset: string;
  readonly contracts: ReadonlyMap<string, ContractData>;
  /** First bar, inclusive. */
  readonly availableStart: bigint;
  /** Last bar + 1 minute, exclusive. */
  readonly availableEnd: bigint;
  readonly rowCount: number;
}

export interface ReplayData {
  readonly dir: string;
  readonly datasets: ReadonlyMap<string, DatasetData>;
}

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/** `../shared/data/bars` next to the repository, when this environment has it. */
export const defaultDataDir = (): string | undefined => {
  const dir = path.resolve(REPO_ROOT, "../shared/data/bars");
  return existsSync(dir) ? dir : undefined;
};

const NO_DATA_HINT =
  "point BARS_DATA_DIR at a folder of <DATASET>/<CONTRACT>.<from>_<to>.ohlcv-1m.csv files of real recorded bars (see shared/data/SOURCES.md); the replay upstream never invents prices";

/** Reads every `*.ohlcv-1m.csv` under `dir/<DATASET>/` into memory; no data is an error. */
export const loadReplayData = async (dir: string): Promise<ReplayData> => {
  if (!existsSync(dir)) throw new Error(`bars data folder ${dir} does not exist: ${NO_DATA_HINT}`);
  const datasets = new Map<string, DatasetData>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dataset = await loadDataset(path.join(dir, entry.name), entry.name);
    if (dataset) datasets.set(entry.name, dataset);
  }
  if (datasets.size === 0)
    throw new Error(
      `no bars: no non-empty *.ohlcv-1m.csv file under ${dir}/<DATASET>/: ${NO_DATA_HINT}`,
    );
  return { dir, datasets };
};
