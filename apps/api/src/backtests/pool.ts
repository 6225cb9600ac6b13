import { Piscina } from "piscina";

/**
 * A thread left idle this long exits; the next backtest starts one again. Long enough
 * that a run's backtests (the memory soak sends one a minute) keep their thread: a thread
 * starting and exiting every minute would move rss by its ~27 MB in a saw-tooth the rss
 * leak trend would have to see through.
 */
const IDLE_THREAD_MS = 10 * 60_000;

/**
 * The worker-thread pool backtests compute on (task.ts), `slots` threads at most. No
 * thread is started until a backtest needs one: each is its own V8 isolate with
 * the task's imports, about 27 MB of rss an idle instance would otherwise carry from
 * boot (issue 17 #5: measured with piscina 5.3 on Node 24, a pool of 1 at boot 77 -> 104 MB
 * rss, with minThreads 0 77 -> 78 MB). The price is a thread start for the first backtest
 * after IDLE_THREAD_MS without one.
 */
export const openBacktestPool = (slots: number): Piscina =>
  new Piscina({
    filename: new URL("./task.ts", import.meta.url).href,
    minThreads: 0,
    maxThreads: Math.max(1, slots),
    idleTimeout: IDLE_THREAD_MS,
  });
