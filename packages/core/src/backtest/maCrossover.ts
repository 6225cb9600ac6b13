/**
 * A moving-average crossover backtest on closing prices: long one contract while the
 * fast SMA is above the slow one, short while below, flat until both exist. Every
 * position change pays the fee per contract per side. Pure and deterministic: the same
 * bars and parameters always give the same result, to the last bit.
 */
export interface BacktestParams {
  readonly fast: number;
  readonly slow: number;
  /** Fee per contract per side, in dollars. */
  readonly feePerSide: number;
  /** Dollars per point (ES: 50, NQ: 20). */
  readonly pointValue: number;
  /** Bars per trading year, to annualise the Sharpe ratio (1m: 252 * 1380). */
  readonly barsPerYear: number;
}

export interface BacktestResult {
  readonly bars: number;
  readonly trades: number;
  readonly pnl: number;
  readonly maxDrawdown: number;
  readonly sharpe: number | null;
  readonly finalPosition: -1 | 0 | 1;
}

const sma = (closes: readonly number[], n: number): (number | null)[] => {
  const out: (number | null)[] = [];
  let sum = 0;
  for (let i = 0; i < closes.length; i++) {
    sum += closes[i] as number;
    if (i >= n) sum -= closes[i - n] as number;
    out.push(i >= n - 1 ? sum / n : null);
  }
  return out;
};

const round2 = (x: number) => Math.round(x * 100) / 100;

export const runMaCrossover = (closes: readonly number[], p: BacktestParams): BacktestResult => {
  if (!(p.fast >= 1 && p.slow > p.fast)) throw new RangeError("need 1 <= fast < slow");
  const fast = sma(closes, p.fast);
  const slow = sma(closes, p.slow);
  let position: -1 | 0 | 1 = 0;
  let trades = 0;
  let equity = 0;
  let peak = 0;
  let maxDrawdown = 0;
  const returns: number[] = [];
  for (let i = 0; i < closes.length; i++) {
    const close = closes[i] as number;
    // mark to market the position held over the previous bar
    const step = i > 0 ? position * (close - (closes[i - 1] as number)) * p.pointValue : 0;
    let fees = 0;
    const f = fast[i];
    const s = slow[i];
    const want: -1 | 0 | 1 = f == null || s == null ? 0 : f > s ? 1 : f < s ? -1 : position;
    if (want !== position) {
      const contracts = Math.abs(want - position);
      fees = contracts * p.feePerSide;
      trades++;
      position = want;
    }
    equity += step - fees;
    returns.push(step - fees);
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, peak - equity);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / Math.max(1, returns.length);
  const variance =
    returns.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, returns.length - 1);
  const sd = Math.sqrt(variance);
  return {
    bars: closes.length,
    trades,
    pnl: round2(equity),
    maxDrawdown: round2(maxDrawdown),
    sharpe: sd > 0 ? Math.round((mean / sd) * Math.sqrt(p.barsPerYear) * 1000) / 1000 : null,
    finalPosition: position,
  };
};
