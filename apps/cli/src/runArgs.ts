import { type RunInput, runInput } from "@scaleproof/core/scale-test/schema";
import { fieldProblems } from "@scaleproof/core/wire/fieldProblems";
import type { CommandLine } from "./args.ts";
import { parseDuration } from "./duration.ts";
import { ArgumentError } from "./errors.ts";
import { loadFlagOf, loadInputFrom } from "./loadArgs.ts";
import { parseRanges } from "./ranges.ts";
import { thresholdsFrom } from "./thresholdArgs.ts";

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const number = (flag: string, text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n))
    throw new ArgumentError(flag, `not a number: ${text}`);
  return n;
};

/**
 * The flags of `scaleproof run` -> the run input, validated here by the same zod schema
 * the API validates it with, so a bad flag is named before anything starts.
 */
export const runInputFrom = (values: CommandLine["values"]): RunInput => {
  if (values.duration !== undefined && values["duration-min"] !== undefined) {
    throw new ArgumentError("--duration", "give --duration or --duration-min, not both");
  }
  const durationFlag = values["duration-min"] !== undefined ? "--duration-min" : "--duration";
  const durationMin =
    values.duration !== undefined
      ? parseDuration("--duration", values.duration)
      : values["duration-min"] !== undefined
        ? number("--duration-min", values["duration-min"])
        : undefined;
  const thresholds = thresholdsFrom(values);
  const parsed = runInput.safeParse({
    profile: values.profile,
    quick: values.quick ?? false,
    ...(durationMin === undefined ? {} : { durationMin }),
    ...(values.symbol === undefined ? {} : { symbol: values.symbol }),
    ...(values.tf === undefined ? {} : { tf: values.tf }),
    ...(values.ranges === undefined ? {} : { ranges: parseRanges(values.ranges) }),
    ...(values.concurrency === undefined
      ? {}
      : { concurrency: number("--concurrency", values.concurrency) }),
    ...(values.jobs === undefined ? {} : { jobs: number("--jobs", values.jobs) }),
    ...(values.crash === undefined ? {} : { crash: values.crash }),
    ...(values.stall === undefined ? {} : { stall: values.stall }),
    ...(values.restarts === undefined ? {} : { restarts: values.restarts.split(",") }),
    ...loadInputFrom(values),
    ...(thresholds.thresholds === undefined ? {} : { thresholds: thresholds.thresholds }),
  });
  if (!parsed.success) {
    throw ArgumentError.of(
      fieldProblems(parsed.error).map((p) => {
        const field = p.field.split(".")[0] ?? p.field;
        if (field === "thresholds") {
          // thresholds.<metric>.<i>: the metric's name has dots of its own
          const metric = p.field.slice("thresholds.".length).replace(/\.\d+$/, "");
          return { flag: thresholds.flagOf(metric), problem: `${metric}: ${p.message}` };
        }
        const flag =
          field === "durationMin"
            ? durationFlag
            : field === "load"
              ? loadFlagOf(p.field)
              : `--${kebab(field)}`;
        const index = Number(p.field.split(".")[1]);
        const where =
          field === "durationMin"
            ? " (minutes)"
            : field === "ranges" && Number.isInteger(index)
              ? ` (range ${index + 1})`
              : "";
        return { flag, problem: `${p.message}${where}` };
      }),
    );
  }
  return parsed.data;
};

/** Only the export may own stdout: the other outputs need a file. */
export const ciOutputFlags = (values: CommandLine["values"]): void => {
  for (const flag of ["junit", "summary"] as const) {
    if (values[flag] === "-") {
      throw new ArgumentError(`--${flag}`, "needs a file (only --json writes to stdout, with -)");
    }
  }
};
