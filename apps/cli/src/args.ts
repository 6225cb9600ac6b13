import { parseArgs } from "node:util";
import { ArgumentError } from "./errors.ts";
import { LOAD_OPTIONS } from "./loadArgs.ts";

/** Every flag the CLI knows; each command accepts the global ones and its own. */
export const OPTIONS = {
  target: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
  profile: { type: "string" },
  quick: { type: "boolean" },
  duration: { type: "string" },
  "duration-min": { type: "string" },
  symbol: { type: "string" },
  tf: { type: "string" },
  ranges: { type: "string" },
  concurrency: { type: "string" },
  jobs: { type: "string" },
  crash: { type: "boolean" },
  stall: { type: "boolean" },
  restarts: { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
  summary: { type: "string" },
  limit: { type: "string" },
  status: { type: "string" },
  instance: { type: "string" },
  cases: { type: "string" },
  threshold: { type: "string", multiple: true },
  config: { type: "string" },
  "allow-risk": { type: "boolean" },
  ...LOAD_OPTIONS,
} as const;

export type OptionName = keyof typeof OPTIONS;
type Values = {
  -readonly [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K]["type"] extends "string"
      ? string
      : boolean;
};

const GLOBAL: readonly OptionName[] = ["target", "token", "help"];

export interface CommandLine {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly values: Values;
}

const isOption = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

/**
 * argv -> command, positionals and flag values. Unknown flags, a string flag without a
 * value, a value on a boolean flag and a flag the command does not take are refused with
 * an `ArgumentError` naming the flag (node's own parse errors are long and name none).
 */
export const parseCommandLine = (
  argv: readonly string[],
  accepts: (command: string) => readonly OptionName[] | undefined,
): CommandLine => {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  const [command, ...rest] = positionals;
  const allowed = command === undefined ? [] : accepts(command);
  if (command !== undefined && allowed === undefined) {
    throw new ArgumentError(command, "unknown command (scaleproof --help lists them)");
  }
  for (const t of tokens) {
    if (t.kind !== "option") continue;
    if (!isOption(t.name)) throw new ArgumentError(t.rawName, "unknown option");
    const spec = OPTIONS[t.name];
    if (spec.type === "string") {
      if (t.rawName.startsWith("--no-")) throw new ArgumentError(t.rawName, "unknown option");
      if (t.value === undefined || (!t.inlineValue && t.value.startsWith("--"))) {
        throw new ArgumentError(t.rawName, "needs a value");
      }
    } else if (t.value !== undefined) {
      throw new ArgumentError(t.rawName, "takes no value");
    }
    if (command !== undefined && !GLOBAL.includes(t.name) && !allowed?.includes(t.name)) {
      throw new ArgumentError(`--${t.name}`, `not an option of ${command}`);
    }
  }
  return { command, positionals: rest, values: values as Values };
};

/** `--limit 5` -> 5; anything but a whole number in [min, max] is an `ArgumentError`. */
export const wholeNumber = (flag: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new ArgumentError(flag, `expected a whole number from ${min} to ${max}, got ${text}`);
  }
  return n;
};
