#!/usr/bin/env -S node --import tsx
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Client, createClient, isClientError } from "@scaleproof/client/trpc";
import { isTerminal, type RunView, runInput } from "@scaleproof/core/scale-test/schema";
import { fieldProblems } from "@scaleproof/core/wire/fieldProblems";
import { checksTable, colour, progressBar, table } from "./format.ts";

/**
 * `scaleproof`: the typed CLI over the ops API.
 *   scaleproof run --profile cache [--quick] [--duration-min N] [--target URL] [--json FILE]
 *   scaleproof status [--target URL]
 *   scaleproof results RUN_ID [--target URL] [--json FILE]
 * Exit codes: 0 PASS, 1 FAIL, 2 error (bad arguments, unreachable, refused, aborted run).
 */
const USAGE = `usage:
  scaleproof run --profile cache|jobs|memory|full [--quick] [--duration-min N] [--symbol ES] [--tf 1m|5m]
                 [--concurrency N] [--jobs N] [--no-crash] [--stall]
                 [--target URL] [--token T] [--json FILE]
  scaleproof status [--target URL] [--token T]
  scaleproof results RUN_ID [--target URL] [--token T] [--json FILE]
  scaleproof fault list | set NAME [--instance ID] | clear [NAME]   (needs FAULTS_ENABLED)

  --target  the deployment's URL (default $SCALEPROOF_URL or http://127.0.0.1:8080)
  --token   admin token (default $SCALEPROOF_TOKEN, $ADMIN_TOKEN, or .scaleproof/admin-token)
exit codes: 0 PASS, 1 FAIL, 2 error`;

class UsageError extends Error {}

const EXIT = { pass: 0, fail: 1, error: 2 } as const;
const paint = colour(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);

const findToken = (given: string | undefined): string | undefined => {
  const fromEnv = given ?? process.env.SCALEPROOF_TOKEN ?? process.env.ADMIN_TOKEN;
  if (fromEnv) return fromEnv;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const file = path.join(dir, ".scaleproof", "admin-token");
    if (existsSync(file)) return readFileSync(file, "utf8").trim();
    if (path.dirname(dir) === dir) return undefined;
  }
};

const main = async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    options: {
      profile: { type: "string" },
      quick: { type: "boolean", default: false },
      "duration-min": { type: "string" },
      symbol: { type: "string" },
      tf: { type: "string" },
      concurrency: { type: "string" },
      jobs: { type: "string" },
      crash: { type: "boolean" },
      stall: { type: "boolean" },
      target: { type: "string" },
      token: { type: "string" },
      json: { type: "string" },
      instance: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? EXIT.pass : EXIT.error;
  }
  const target = values.target ?? process.env.SCALEPROOF_URL ?? "http://127.0.0.1:8080";
  if (!URL.canParse(target)) throw new UsageError(`--target: not a URL: ${target}`);
  const client = createClient(target, findToken(values.token));

  if (command === "status") {
    const run = await client.scaleTest.status.query();
    if (!run) console.log("no scale-test runs yet");
    else printRun(run);
    return EXIT.pass;
  }
  if (command === "results") {
    const runId = rest[0];
    if (!runId) throw new UsageError("results needs a RUN_ID");
    const { run } = await retrying(() => client.scaleTest.results.query({ runId }));
    printRun(run);
    await writeExport(client, run.id, values.json);
    return exitFor(run);
  }
  if (command === "fault") {
    const [verb, name] = rest;
    if (verb === "list") {
      const f = await client.faults.list.query();
      console.log(`fault injection ${f.enabled ? "enabled" : "disabled"} on this deployment`);
      for (const a of f.available) console.log(`  ${a.name}: ${a.description}`);
      console.log(
        `active: ${f.active.map((x) => `${x.name}@${x.instanceId ?? "*"}`).join(", ") || "none"}`,
      );
      return EXIT.pass;
    }
    if (verb === "set" && name) {
      const active = await client.faults.set.mutate({
        name: name as never,
        ...(values.instance ? { instanceId: values.instance } : {}),
      });
      console.log(`active: ${active.map((x) => `${x.name}@${x.instanceId ?? "*"}`).join(", ")}`);
      return EXIT.pass;
    }
    if (verb === "clear") {
      const active = await client.faults.clear.mutate(name ? { name: name as never } : {});
      console.log(`active: ${active.map((x) => x.name).join(", ") || "none"}`);
      return EXIT.pass;
    }
    throw new UsageError("fault list | fault set NAME [--instance ID] | fault clear [NAME]");
  }
  if (command === "run") {
    const number = (flag: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n))
        throw new UsageError(`--${flag}: not a number: ${v}`);
      return n;
    };
    const parsed = runInput.safeParse({
      profile: values.profile,
      quick: values.quick,
      ...(values["duration-min"]
        ? { durationMin: number("duration-min", values["duration-min"]) }
        : {}),
      ...(values.symbol ? { symbol: values.symbol } : {}),
      ...(values.tf ? { tf: values.tf } : {}),
      ...(values.concurrency ? { concurrency: number("concurrency", values.concurrency) } : {}),
      ...(values.jobs ? { jobs: number("jobs", values.jobs) } : {}),
      ...(values.crash === undefined ? {} : { crash: values.crash }),
      ...(values.stall === undefined ? {} : { stall: values.stall }),
    });
    if (!parsed.success) {
      const problems = fieldProblems(parsed.error).map((p) => `--${kebab(p.field)}: ${p.message}`);
      throw new UsageError(problems.join("\n"));
    }
    const started = await client.scaleTest.run.mutate(parsed.data);
    console.log(
      `run ${started.id} (${started.profile}) started on ${started.runner.instanceId}, target ${started.targetUrl}`,
    );
    const finished = await follow(client, started.id);
    printRun(finished);
    await writeExport(client, finished.id, values.json);
    return exitFor(finished);
  }
  throw new UsageError(`unknown command: ${command}`);
};

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Live progress from the SSE subscription: a bar, and each check as it is decided. The
 * instance serving the stream may die mid-run (the jobs profile kills one on purpose),
 * so a slow poll of the run's results watches the end too.
 */
const follow = (client: Client, runId: string): Promise<RunView> =>
  new Promise((resolve, reject) => {
    const tty = Boolean(process.stdout.isTTY);
    let shown = 0;
    let lastLine = "";
    let done = false;
    const show = (run: RunView) => {
      if (done) return;
      const ended = isTerminal(run.status);
      const bar = progressBar(
        ended && run.status !== "aborted" ? 1 : run.progress,
        run.currentStep,
      );
      for (const c of run.checks.slice(shown)) {
        const mark = c.pass ? paint.pass("  PASS") : paint.fail("  FAIL");
        if (tty) process.stdout.write("\r\x1b[2K");
        console.log(`${mark} ${c.name}: ${c.actual} (expected ${c.expected})`);
      }
      shown = Math.max(shown, run.checks.length);
      if (tty) process.stdout.write(`\r\x1b[2K${bar}`);
      else if (bar !== lastLine) console.log(bar);
      lastLine = bar;
      if (ended) {
        done = true;
        if (tty) process.stdout.write("\n");
        sub.unsubscribe();
        clearInterval(watchdog);
        resolve(run);
      }
    };
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
          if (++failures >= 30 && !done) {
            done = true;
            clearInterval(watchdog);
            sub.unsubscribe();
            reject(error);
          }
        });
    }, 1000);
  });

const printRun = (run: RunView): void => {
  console.log();
  console.log(paint.bold(`run ${run.id}  profile ${run.profile}  status ${run.status}`));
  if (run.reason) console.log(`reason: ${run.reason}`);
  if (run.checks.length) console.log(checksTable(run.checks, paint));
  const metrics = Object.entries(run.metrics);
  if (metrics.length) {
    console.log();
    console.log(
      table(
        ["metric", "value"],
        metrics.map(([k, v]) => [k, String(v)]),
      ),
    );
  }
  const verdict = run.verdict ?? (run.status === "aborted" ? "ABORTED" : "—");
  console.log();
  if (run.metrics.scale_ready === "YES" || run.metrics.scale_ready === "NO") {
    const yes = run.metrics.scale_ready === "YES";
    console.log(paint.bold(`Scale Ready: ${yes ? paint.pass("YES") : paint.fail("NO")}`));
  }
  console.log(
    paint.bold(`${run.profile}: ${verdict === "PASS" ? paint.pass("PASS") : paint.fail(verdict)}`),
  );
};

/** Reads are idempotent: retried a few times, since an instance may be restarting under us. */
const retrying = async <T>(f: () => Promise<T>, attempts = 5): Promise<T> => {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (error) {
      if (
        i >= attempts ||
        (isClientError(error) && error.data?.httpStatus && error.data.httpStatus < 500)
      ) {
        throw error;
      }
      await new Promise((r) => setTimeout(r, 300 * i));
    }
  }
};

const writeExport = async (client: Client, runId: string, file: string | undefined) => {
  if (!file) return;
  const doc = await retrying(() => client.scaleTest.export.query({ runId }));
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`exported ${doc.schemaVersion} to ${file}`);
};

const exitFor = (run: RunView): number =>
  run.status === "passed" ? EXIT.pass : run.status === "failed" ? EXIT.fail : EXIT.error;

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof UsageError ||
    (error instanceof TypeError &&
      "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS"))
  ) {
    console.error(`error: ${error.message}\n\n${USAGE}`);
  } else if (isClientError(error)) {
    const code = error.data?.code ?? "ERROR";
    const fields = (error.data as { fields?: { field: string; message: string }[] } | undefined)
      ?.fields;
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    console.error(`error: ${code}: ${error.message}${cause}`);
    for (const f of fields ?? []) console.error(`  ${f.field}: ${f.message}`);
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = EXIT.error;
}
// The SSE connection may hold the event loop open: the answer is given, so leave.
process.exit(process.exitCode);
