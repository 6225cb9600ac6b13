import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { BAR_FILE, type BarRow, parseBarFile } from "./barFile.ts";
import { parseContract } from "./contracts.ts";
import type { ContractData, DatasetData, DaySpan } from "./data.ts";
import { dayFromIsoDate, dayStartNs, NS_PER_MINUTE } from "./time.ts";

const byTime = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One dataset folder: every `<CONTRACT>.<from>_<to>.ohlcv-1m.csv`, checked (bars inside
 * the dates of the file name, no bar twice) and merged per contract. `undefined` when the
 * folder holds no bars.
 */
export const loadDataset = async (
  dir: string,
  dataset: string,
): Promise<DatasetData | undefined> => {
  const byContract = new Map<string, { spans: DaySpan[]; rows: BarRow[]; refYear: number }>();
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith(".ohlcv-1m.csv")) continue;
    const m = BAR_FILE.exec(name);
    const [, contract, fromDate, toDate] = m ?? [];
    const from = fromDate ? dayFromIsoDate(fromDate) : undefined;
    const to = toDate ? dayFromIsoDate(toDate) : undefined;
    if (!contract || from === undefined || to === undefined || from >= to) {
      throw new Error(
        `${dataset}/${name}: name must be <CONTRACT>.<from>_<to>.ohlcv-1m.csv with from < to`,
      );
    }
    const rows = parseBarFile(
      `${dataset}/${name}`,
      await readFile(path.join(dir, name), "utf8"),
      contract,
    );
    const outside = rows.find((r) => r.tsEvent < dayStartNs(from) || r.tsEvent >= dayStartNs(to));
    if (outside)
      throw new Error(
        `${dataset}/${name}: bar at ${outside.tsEvent} is outside ${fromDate}.._${toDate}`,
      );
    const slot = byContract.get(contract) ?? {
      spans: [],
      rows: [],
      refYear: Number(fromDate?.slice(0, 4)),
    };
    slot.spans.push({ from, to });
    slot.rows.push(...rows);
    byContract.set(contract, slot);
  }
  const contracts = new Map<string, ContractData>();
  for (const [contract, slot] of byContract) {
    const parsed = parseContract(contract, slot.refYear);
    if (!parsed)
      throw new Error(`${dataset}: ${contract} is not a futures contract code like ESZ3`);
    const rows = slot.rows.sort((a, b) => byTime(a.tsEvent, b.tsEvent));
    const dup = rows.find((r, i) => i > 0 && rows[i - 1]?.tsEvent === r.tsEvent);
    if (dup) throw new Error(`${dataset}/${contract}: two files hold a bar at ${dup.tsEvent}`);
    contracts.set(contract, { contract, ...parsed, spans: slot.spans, rows });
  }
  const all = [...contracts.values()]
    .flatMap((c) => [c.rows[0], c.rows.at(-1)])
    .filter((r) => r !== undefined);
  if (all.length === 0) return undefined;
  // Bigints: Math.min/max do not apply, so sort (a handful of values).
  const times = all.map((r) => r.tsEvent).sort(byTime);
  const min = times[0] as bigint;
  const max = times.at(-1) as bigint;
  const rowCount = [...contracts.values()].reduce((n, c) => n + c.rows.length, 0);
  return { dataset, contracts, availableStart: min, availableEnd: max + NS_PER_MINUTE, rowCount };
};
