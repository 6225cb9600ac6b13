import { type RunView, waitForRun } from "@scaleproof/client/runs";
import { type Client, isClientError } from "@scaleproof/client/trpc";
import { writeRunOutputs } from "../ci/outputs.ts";
import { ArgumentError, Interrupted } from "../errors.ts";
import { EXIT, exitFor } from "../exit.ts";
import { follow } from "../follow.ts";
import { LOAD_FLAGS } from "../loadArgs.ts";
import type { Output } from "../output.ts";
import { printRun } from "../report.ts";
import { retrying } from "../retrying.ts";
import { ciOutputFlags, runInputFrom } from "../runArgs.ts";
import type { Command } from "./command.ts";

/** How long Ctrl-C waits for the runner to notice the cancel (it looks every lease/3). */
const CANCEL_WAIT_MS = 30_000;

/**
 * `scaleproof run`: starts a run, follows it to its verdict, writes what CI asked for.
 * Ctrl-C cancels the run this command started and exits 2; a second Ctrl-C leaves at once.
 * Exits 0 PASS, 1 FAIL, 3 RISK (0 with --allow-risk).
 */
export const run: Command = {
  options: [
    "profile",
    "quick",
    "duration",
    "duration-min",
    "symbol",
    "tf",
    "ranges",
    "concurrency",
    "jobs",
    "crash",
    "stall",
    "restarts",
    ...LOAD_FLAGS,
    "threshold",
    "config",
    "allow-risk",
    "json",
    "junit",
    "summary",
  ],
  stdoutIsData: (values) => values.json === "-",
  validate: (values, positionals) => {
    runInputFrom(values);
    ciOutputFlags(values);
    if (positionals.length) throw new ArgumentError(positionals[0] ?? "", "unexpected argument");
  },
  async run({ client, out, values }) {
    const input = runInputFrom(values);
    const interrupt = new AbortController();
    let presses = 0;
    const onSigint = () => {
      if (++presses > 1) {
        out.line("second Ctrl-C: leaving without waiting for the run to stop");
        process.exit(EXIT.error);
      }
      interrupt.abort(new Interrupted("Ctrl-C"));
    };
    process.on("SIGINT", onSigint);
    let finished: RunView;
    try {
      const started = await client.scaleTest.run.mutate(input);
      out.line(
        `run ${started.id} (${started.profile}) started on ${started.runner.instanceId}, target ${started.targetUrl}`,
      );
      try {
        finished = await follow(client, started.id, out, interrupt.signal);
      } catch (error) {
        if (interrupt.signal.aborted) return await cancelInterrupted(client, started.id, out);
        throw error;
      }
    } finally {
      if (!interrupt.signal.aborted) process.off("SIGINT", onSigint);
    }
    printRun(out, finished);
    await writeRunOutputs(client, finished.id, values, out, { stepSummary: true });
    return exitFor(finished, values["allow-risk"] ?? false);
  },
};

const cancelInterrupted = async (client: Client, runId: string, out: Output): Promise<number> => {
  out.line();
  out.line(`Ctrl-C: cancelling run ${runId} (Ctrl-C again to leave without waiting)`);
  try {
    await retrying(() => client.scaleTest.cancel.mutate({ runId }));
    out.line(`cancel requested; waiting for run ${runId} to stop`);
    const ended = await waitForRun(client, runId, { intervalMs: 500, timeoutMs: CANCEL_WAIT_MS });
    out.line(`run ${runId} ${ended.status}${ended.reason ? `: ${ended.reason}` : ""}`);
  } catch (error) {
    if (isClientError(error) && error.data?.code === "CONFLICT") {
      out.line(`run ${runId} had already ended (${error.message})`);
    } else {
      const why = error instanceof Error ? error.message : String(error);
      out.line(`could not confirm that run ${runId} stopped: ${why}`);
    }
  }
  return EXIT.error;
};
