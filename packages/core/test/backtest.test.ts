import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMaCrossover } from "../src/backtest/maCrossover.ts";

const params = { fast: 2, slow: 3, feePerSide: 2.5, pointValue: 50, barsPerYear: 252 * 1380 };

describe("moving-average crossover", () => {
  it("trades the crossings by hand-checked figures", () => {
    // SMA2/SMA3 exist from bar 2: 10,11,12 -> fast 11.5 > slow 11: long at 12;
    // 9 -> fast 10.5 < slow 10.67: short (2 contracts change) at 9.
    const r = runMaCrossover([10, 11, 12, 9], params);
    expect(r.trades).toBe(2);
    // long 12 -> 9 = -3 points * 50 = -150; fees 1*2.5 + 2*2.5 = 7.5
    expect(r.pnl).toBe(-157.5);
    expect(r.maxDrawdown).toBe(157.5);
    expect(r.finalPosition).toBe(-1);
  });

  it("is deterministic on real ES bars", () => {
    const csv = path.resolve(
      import.meta.dirname,
      "../../../../shared/data/bars/GLBX.MDP3/ESZ3.2013-10-06_2013-10-12.ohlcv-1m.csv",
    );
    const closes = readFileSync(csv, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => Number(l.split(",")[7]) / 1e9);
    expect(closes.length).toBe(6826);
    const a = runMaCrossover(closes, { ...params, fast: 10, slow: 30 });
    const b = runMaCrossover(closes, { ...params, fast: 10, slow: 30 });
    expect(a).toEqual(b);
    expect(a.trades).toBeGreaterThan(10);
    expect(a.bars).toBe(6826);
  });

  it("refuses fast >= slow", () => {
    expect(() => runMaCrossover([1, 2, 3], { ...params, fast: 3, slow: 3 })).toThrow(RangeError);
  });
});
