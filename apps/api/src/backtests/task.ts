import { type BacktestParams, runMaCrossover } from "@scaleproof/core/backtest/maCrossover";

/**
 * Runs on the worker-thread pool (piscina): decodes the cached bars bytes and computes,
 * so the instance's event loop (and its lease heartbeats) never wait on a backtest.
 */
export default ({ bytes, params }: { bytes: Uint8Array; params: BacktestParams }) => {
  const body = JSON.parse(Buffer.from(bytes).toString("utf8")) as { bars: { close: number }[] };
  return runMaCrossover(
    body.bars.map((b) => b.close),
    params,
  );
};
