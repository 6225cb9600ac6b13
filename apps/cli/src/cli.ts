import { createClient } from "@scaleproof/client/trpc";
import { type CommandLine, parseCommandLine } from "./args.ts";
import { calibrate } from "./commands/calibrate.ts";
import { cancel } from "./commands/cancel.ts";
import type { Command } from "./commands/command.ts";
import { exportRun } from "./commands/export.ts";
import { fault } from "./commands/fault.ts";
import { judge } from "./commands/judge.ts";
import { list } from "./commands/list.ts";
import { results } from "./commands/results.ts";
import { run } from "./commands/run.ts";
import { status } from "./commands/status.ts";
import { thresholds } from "./commands/thresholds.ts";
import { ArgumentError } from "./errors.ts";
import { EXIT } from "./exit.ts";
import { createOutput } from "./output.ts";
import { findToken } from "./token.ts";
import { USAGE } from "./usage.ts";

export const COMMANDS: Readonly<Record<string, Command>> = {
  run,
  status,
  results,
  list,
  cancel,
  export: exportRun,
  fault,
  judge,
  calibrate,
  thresholds,
};

const commandOf = (name: string): Command | undefined =>
  Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;

/**
 * argv -> a command line every part of which has been checked: the command exists, takes
 * each flag given, and its own arguments validate. Throws `ArgumentError` otherwise.
 */
export const parse = (argv: readonly string[]): CommandLine & { readonly target: string } => {
  const line = parseCommandLine(argv, (name) => commandOf(name)?.options);
  const target = line.values.target ?? process.env.SCALEPROOF_URL ?? "http://127.0.0.1:8080";
  if (!URL.canParse(target)) throw new ArgumentError("--target", `not a URL: ${target}`);
  if (line.command && !line.values.help) {
    commandOf(line.command)?.validate?.(line.values, line.positionals);
  }
  return { ...line, target };
};

/** The whole CLI, minus the process: argv in, exit code out (errors thrown). */
export const main = async (argv: readonly string[]): Promise<number> => {
  const line = parse(argv);
  if (line.values.help) {
    console.log(USAGE);
    return EXIT.pass;
  }
  const command = line.command ? commandOf(line.command) : undefined;
  if (!command) {
    throw new ArgumentError(
      "COMMAND",
      `missing: one of ${Object.keys(COMMANDS).join(", ")} (scaleproof --help)`,
    );
  }
  const out = createOutput(command.stdoutIsData?.(line.values) ?? false);
  const client = createClient(line.target, findToken(line.values.token));
  return command.run({
    client,
    out,
    values: line.values,
    positionals: line.positionals,
    target: line.target,
  });
};
