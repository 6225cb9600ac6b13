import type { BarRow } from "./barFile.ts";

/* The recorded bars in memory, as `loadReplayData` (dataDir.ts) reads them. */

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
