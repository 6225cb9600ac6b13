import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { type BacktestParams, runMaCrossover } from "@scaleproof/core/backtest/maCrossover";
import { describe, expect, it } from "vitest";
import { openBacktestPool } from "../../src/backtests/pool.ts";
import { REPO_ROOT } from "../support/cluster.ts";

/**
 * The backtest pool (issue 17 #5): an idle instance carries no worker thread, and a
 * backtest still computes on one. Real recorded ES closes (the replay upstream's data).
 */
const realCloses = async (n: number): Promise<number[]> => {
  const dir = path.resolve(
    process.env.BARS_DATA_DIR || path.join(REPO_ROOT, "../shared/data/bars"),
    "GLBX.MDP3",
  );
  const file = (await readdir(dir)).filter((f) => f.endsWith(".csv")).sort()[0];
  if (!file) throw new Error(`no recorded bars in ${dir}`);
  const [header, ...rows] = (await readFile(path.join(dir, file), "utf8")).trim().split("\n");
  const at = header?.split(",").indexOf("close") ?? -1;
  return rows.slice(0, n).map((r) => Number(r.split(",")[at]) / 1e9);
};

describe("the backtest pool", () => {
  it("starts no thread until a backtest needs one, then computes it on a thread", async () => {
    const pool = openBacktestPool(2);
    try {
      expect(pool.threads).toHaveLength(0);
      const closes = await realCloses(2_000);
      expect(closes).toHaveLength(2_000);
      const params: BacktestParams = {
        fast: 10,
        slow: 30,
        feePerSide: 2.5,
        pointValue: 50,
        barsPerYear: 252 * 1380,
      };
      const bytes = Buffer.from(JSON.stringify({ bars: closes.map((close) => ({ close })) }));
      const result = await pool.run({ bytes, params });
      expect(result).toEqual(runMaCrossover(closes, params));
      expect(pool.threads).toHaveLength(1);
    } finally {
      await pool.destroy();
    }
  });
});
