import { isTerminal, type RunView } from "@scaleproof/client/runs";
import type { Client } from "@scaleproof/client/trpc";
import ora from "ora";
import { progressBar, timingText } from "./format.ts";
import type { Output } from "./output.ts";

/**
 * Live progress from the SSE subscription: a bar, and each check as it is decided. On a
 * terminal the bar is an ora spinner's text (ora keeps lines written meanwhile above
 * it); elsewhere each new bar is a plain line. The instance serving the stream may die
 * mid-run (the jobs profile kills one on purpose), so a slow poll of the run's results
 * watches the end too. Aborting `signal` (Ctrl-C) stops following and rejects with its
 * reason; the run itself is the caller's to cancel.
 */
export const follow = (
  client: Client,
  runId: string,
  out: Output,
  signal: AbortSignal,
): Promise<RunView> =>
  new Promise((resolve, reject) => {
    const spinner = out.interactive
      ? ora({ stream: out.stream, discardStdin: false, text: "starting" }).start()
      : undefined;
    let shown = 0;
    let lastBar = "";
    let done = false;
    const finish = (then: () => void) => {
      if (done) return;
      done = true;
      sub.unsubscribe();
      clearInterval(watchdog);
      signal.removeEventListener("abort", onAbort);
      then();
    };
    const show = (run: RunView) => {
      if (done) return;
      const ended = isTerminal(run.status);
      const position = progressBar(
        ended && run.status !== "aborted" ? 1 : run.progress,
        run.currentStep,
      );
      const bar = position + timingText(run.timing, ended);
      for (const c of run.checks.slice(shown)) {
        const mark = c.pass
          ? out.paint.pass("  PASS")
          : c.zone === "risk"
            ? out.paint.risk("  RISK")
            : out.paint.fail("  FAIL");
        out.line(`${mark} ${c.name}: ${c.actual} (expected ${c.expected})`);
      }
      shown = Math.max(shown, run.checks.length);
      if (spinner) spinner.text = bar;
      // a plain log gets a line when the position moves, not each time the clock does
      else if (position !== lastBar) out.line(bar);
      lastBar = position;
      if (ended) {
        finish(() => {
          if (run.status === "passed") spinner?.succeed(bar);
          else spinner?.fail(bar);
          resolve(run);
        });
      }
    };
    const onAbort = () =>
      finish(() => {
        spinner?.stop();
        reject(signal.reason);
      });
    signal.addEventListener("abort", onAbort, { once: true });
    const sub = client.scaleTest.onProgress.subscribe(
      { runId },
      { onData: show, onError: () => {} }, // the watchdog below carries on
    );
    let failures = 0;
    const watchdog = setInterval(() => {
      client.scaleTest.results
        .query({ runId })
        .then(({ run }) => {
          failures = 0;
          if (isTerminal(run.status)) show(run);
        })
        .catch((error: unknown) => {
          // a restart between polls is fine; a target gone for good is an error
          if (++failures >= 30)
            finish(() => {
              spinner?.stop();
              reject(error);
            });
        });
    }, 1000);
    if (signal.aborted) onAbort();
  });
